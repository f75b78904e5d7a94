"""The leak suite, part three: the guards of issue 22 (leaks 2, 4, 5 and 8), each with its variants.

Every test runs a real playbook through ansible-playbook against the emulator, the simulated devices and
the simulated client, samples files and every process's argv and environment while it runs, and searches
everything left afterwards (``assert_sealed``: every form of every code the emulator knows).
"""

from __future__ import annotations

from integration.test_leaks_attacks import assert_sealed
from integration.test_leaks_attacks import attack
from integration.test_leaks_attacks import messages

# ---------------------------------------------------------------- leak 2: a persistent cache, by any road
LOOKUP = "lookup('edge.snowball.unlock_code', ids[0], **conn)"

CACHE_ROADS = f"""
- name: cacheable from module_defaults, under every name set_fact is reached by, and templated
  block:
    - name: defaults for ansible.builtin.set_fact
      ansible.builtin.set_fact:
        c_builtin: "{{{{ {LOOKUP} }}}}"
      no_log: true
      register: road_builtin
      ignore_errors: true
  module_defaults:
    ansible.builtin.set_fact: {{cacheable: true}}

- name: defaults under the short name, task by its legacy name
  block:
    - name: "MSG: short"
      ansible.legacy.set_fact:
        c_short: "{{{{ {LOOKUP} }}}}"
      no_log: true
      register: road_short
      ignore_errors: true
  module_defaults:
    set_fact: {{cacheable: true}}

- name: defaults under the legacy name, templated
  block:
    - name: set_fact by its short name
      set_fact:
        c_legacy: "{{{{ {LOOKUP} }}}}"
      no_log: true
      register: road_legacy
      ignore_errors: true
  module_defaults:
    ansible.legacy.set_fact: {{cacheable: "{{{{ cache_it }}}}"}}
  vars:
    cache_it: "yes"

- name: the whole defaults entry a template
  block:
    - name: set_fact under defaults that are one template
      ansible.builtin.set_fact:
        c_whole: "{{{{ {LOOKUP} }}}}"
      no_log: true
      register: road_whole
      ignore_errors: true
  module_defaults:
    ansible.builtin.set_fact: "{{{{ set_fact_defaults }}}}"
  vars:
    set_fact_defaults: {{cacheable: true}}

- name: cacheable in the task, a template that resolves to true
  ansible.builtin.set_fact:
    c_templated: "{{{{ {LOOKUP} }}}}"
    cacheable: "{{{{ 'on' if true else 'off' }}}}"
  no_log: true
  register: road_templated
  ignore_errors: true

- name: set_stats of the lookup (custom stats are printed with show_custom_stats and kept by ansible-runner)
  ansible.builtin.set_stats:
    data:
      c_stats: "{{{{ {LOOKUP} }}}}"
  no_log: true
  register: road_stats
  ignore_errors: true

- name: "MSG: {{{{ road_builtin.msg | default('') }}}}"
  ansible.builtin.assert:
    that:
      - road_builtin is failed
      - road_short is failed
      - road_legacy is failed
      - road_whole is failed
      - road_templated is failed
      - road_stats is failed
      - "'fact cache' in road_builtin.msg"
      - "'module_defaults' in road_builtin.msg"
      - "'set_stats' in road_stats.msg"
"""


def test_no_road_writes_a_code_to_a_persistent_cache(emulator, devices, tmp_path):
    """Issue 22 leak 2: module_defaults (any name set_fact is reached by, templated) and set_stats got round
    the lookup's refusal of cacheable facts; the jsonfile cache (under tmp_path, scanned) held the code."""
    env = {
        "ANSIBLE_CACHE_PLUGIN": "jsonfile",
        "ANSIBLE_CACHE_PLUGIN_CONNECTION": str(tmp_path / "facts"),
        "ANSIBLE_SHOW_CUSTOM_STATS": "1",
    }
    run, sampler = attack(tmp_path, emulator, devices, CACHE_ROADS, env=env)
    assert run.rc == 0, run.tail()
    assert_sealed(run, sampler)
    assert any("fact cache" in line for line in messages(run)), messages(run)
