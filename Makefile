# edge.snowball: set-up, demo and tests. Everything lands under .venv*/ .build/ .cache/ (git-ignored).
#   make demo   unlock three simulated edge sites (one a cluster) with the ready playbook
#   make test   unit, sanity, integration, lint (what CI runs)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON       ?= python3
VENV         := .venv
VENV_LOWEST  := .venv-lowest
VENV_NEWEST  := .venv-newest
VENV_BENCH   := .venv-bench
# ansible-core 2.20+ needs Python 3.12 (the "newest" test column). The first python3.12 that really
# runs, from pyenv's versions (called by path: pyenv's shims can be broken) or PATH; or set
# PYTHON_NEWEST=/path/to/python3.12. Without one, `make test` skips that column and says so, except
# under CI (CI=true), where a missing 3.12 is an error.
ifndef PYTHON_NEWEST
PYTHON_NEWEST := $(shell for p in $$(pyenv root 2>/dev/null)/versions/3.12*/bin/python3.12 \
  $(HOME)/.pyenv/versions/3.12*/bin/python3.12 $$(command -v python3.12); do \
  "$$p" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' >/dev/null 2>&1 && { echo "$$p"; break; }; \
  done)
endif
NO_NEWEST_MSG := make: SKIPPED the newest column (ansible-core 2.20+ on Python 3.12): no working python3.12 found \
  (looked in pyenv's versions and PATH). Install Python 3.12 or run make test PYTHON_NEWEST=/path/to/python3.12.
BUILD        := .build
CACHE        := .cache
COLLECTIONS  := $(CURDIR)/$(BUILD)/collections
# amazon.aws (and ansible.posix, for a test callback) are not on PyPI by themselves: they ship inside
# the `ansible` package (Galaxy is out of reach). Installed last, so its marker is ansible.posix.
ANSIBLE_PKG  := ansible==12.3.0
UPSTREAM_COLLECTIONS := $(COLLECTIONS)/ansible_collections/ansible/posix/MANIFEST.json
VERSION      := $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL      := $(BUILD)/edge-snowball-$(VERSION).tar.gz
SOURCES      := $(shell git ls-files -co --exclude-standard -- galaxy.yml meta plugins roles playbooks README.md LICENSE changelogs docs 2>/dev/null)

# Nothing outside the checkout (quick-start's promise): ansible-core's home (collections, galaxy cache,
# temporary files; the edge host's too when it is this machine), the Snowball client version cache of
# the simulated edge hosts and pip's cache. ansible-test's home is tests/tools/sanity.py's.
export ANSIBLE_HOME := $(CURDIR)/$(BUILD)/ansible-home
export ANSIBLE_LOCAL_TEMP := $(CURDIR)/$(BUILD)/ansible-home/tmp
export ANSIBLE_REMOTE_TEMP := $(CURDIR)/$(BUILD)/ansible-home/remote-tmp
export XDG_CACHE_HOME := $(CURDIR)/$(CACHE)/xdg
# antsibull-docs logs to ~/antsibull.log whatever its options say: its HOME is .build/.
ANTSIBULL_DOCS = HOME=$(CURDIR)/$(BUILD) PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VENV)/bin/antsibull-docs
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: changelog help setup demo docs bench molecule test units units-lowest units-newest sanity integration integration-lowest integration-newest lint clean

help:
	@echo "make demo   - unlock three simulated edge sites (one a cluster) with the ready playbook"
	@echo "make test   - unit, sanity, integration and lint tests"
	@echo "make clean  - remove venvs, build output and caches"
	@echo "fast paths (CONTRIBUTING.md):"
	@echo "  make units   - unit tests only (about a minute)"
	@echo "  make sanity  - ansible-test sanity, offline"
	@echo "  make lint    - ruff, ansible-lint, changelog and docs checks"
	@echo "  make setup && .venv/bin/python -m pytest tests/integration/test_targets.py -q -k json-job_unlock_code"
	@echo "               - one integration target against the emulator"

# ---------------------------------------------------------------- set-up
$(VENV)/.done: requirements.txt tests/requirements.txt tests/constraints-newest.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.txt -r tests/requirements.txt -c tests/constraints-newest.txt 'ansible-core>=2.17'
	touch $@

$(VENV_LOWEST)/.done: requirements.txt tests/requirements.txt tests/constraints-lowest.txt
	$(PYTHON) -m venv $(VENV_LOWEST)
	$(VENV_LOWEST)/bin/pip install -q -r requirements.txt 'cbor2>=5.4' 'pytest>=8' 'pytest-xdist>=3' -c tests/constraints-lowest.txt ansible-core
	touch $@

$(VENV_NEWEST)/.done: requirements.txt tests/constraints-newest-312.txt
	$(PYTHON_NEWEST) -m venv $(VENV_NEWEST)
	$(VENV_NEWEST)/bin/pip install -q -r requirements.txt 'cbor2>=5.4' 'pytest>=8' 'pytest-xdist>=3' -c tests/constraints-newest-312.txt ansible-core
	touch $@

$(UPSTREAM_COLLECTIONS): | $(VENV)/.done
	mkdir -p $(CACHE)/wheels $(BUILD)/unpacked
	$(VENV)/bin/pip download -q --no-deps '$(ANSIBLE_PKG)' -d $(CACHE)/wheels
	rm -rf $(BUILD)/unpacked/ansible_collections
	unzip -q -o $(CACHE)/wheels/ansible-*.whl 'ansible_collections/amazon/aws/*' 'ansible_collections/ansible/posix/*' -d $(BUILD)/unpacked
	$(VENV)/bin/ansible-galaxy collection install --offline --force -p $(COLLECTIONS) $(BUILD)/unpacked/ansible_collections/amazon/aws
	# ansible.posix only for the tests (its json callback); the collection does not need it.
	$(VENV)/bin/ansible-galaxy collection install --offline --force -p $(COLLECTIONS) $(BUILD)/unpacked/ansible_collections/ansible/posix

# The integration tests and the demo use the built and installed collection, as a user would.
$(TARBALL): $(SOURCES) | $(VENV)/.done
	mkdir -p $(BUILD)
	$(VENV)/bin/ansible-galaxy collection build --force --output-path $(BUILD) .

$(BUILD)/.installed: $(TARBALL) $(UPSTREAM_COLLECTIONS)
	$(VENV)/bin/ansible-galaxy collection install --offline --force -p $(COLLECTIONS) $(TARBALL)
	touch $@

setup: $(BUILD)/.installed

# ---------------------------------------------------------------- demo
# The offline half: the codes and the manifests go to two directories (two USB keys at a real site).
DEMO_OFFLINE := --vault-id demo@$(CURDIR)/$(BUILD)/demo/vault-password \
  -e offline_codes_file=$(CURDIR)/$(BUILD)/demo/codes-key/site.vault.yml \
  -e offline_manifest_dir=$(CURDIR)/$(BUILD)/demo/manifests-key
# Quieter than a playbook run of your own: no "skipping" lines and no echo of these commands (each part is
# introduced by one line, each play by its name).
DEMO_RUN := cd playbooks && PYTHONPATH=$(CURDIR)/tests ANSIBLE_CONFIG=$(CURDIR)/playbooks/ansible.cfg \
  ANSIBLE_DISPLAY_SKIPPED_HOSTS=false $(CURDIR)/$(VENV)/bin/python -m emulator run --
demo: setup
	@rm -rf $(BUILD)/demo
	@echo "=== Part 1: three sites (five devices) unlocked by the ready playbook, then what else the collection does (playbooks/demo.yml) ==="
	@$(DEMO_RUN) $(CURDIR)/$(VENV)/bin/ansible-playbook -i inventory/demo.yml demo.yml
	@echo; echo "=== Part 2: a disconnected site: prepare while connected, then unlock with the Snowball API stopped ==="
	@mkdir -p $(BUILD)/demo && (umask 077 && $(VENV)/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))' > $(BUILD)/demo/vault-password)
	@$(DEMO_RUN) \
	  $(CURDIR)/$(VENV)/bin/ansible-playbook -i inventory/demo.yml prepare-offline.yml $(DEMO_OFFLINE) \
	  --offline-- \
	  $(CURDIR)/$(VENV)/bin/ansible-playbook -i inventory/demo.yml unlock.yml $(DEMO_OFFLINE) \
	  -e unlock_codes_file=$(CURDIR)/$(BUILD)/demo/codes-key/site.vault.yml \
	  -e 'unlock_manifest_src=$(CURDIR)/$(BUILD)/demo/manifests-key/{{ unlock_job_id }}.bin'
	@rm -f $(BUILD)/demo/vault-password

# Fleet speed (not part of make test): prints the table and writes docs/performance.md.
$(VENV_BENCH)/.done:
	$(PYTHON) -m venv $(VENV_BENCH)
	$(VENV_BENCH)/bin/pip install -q 'awscli>=1.36'
	touch $@

bench: setup $(VENV_BENCH)/.done
	$(VENV)/bin/python tests/benchmark/bench.py --aws-cli $(VENV_BENCH)/bin/aws

# The molecule scenario by hand (make test runs it inside the integration suite).
molecule: setup
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH PYTHONPATH=$(CURDIR)/tests \
	  $(VENV)/bin/python -m emulator --device-port 0 run -- $(CURDIR)/$(VENV)/bin/molecule test -s default

# ---------------------------------------------------------------- tests
test: units sanity integration lint units-lowest integration-lowest units-newest integration-newest
	@if [ -z "$(strip $(PYTHON_NEWEST))" ]; then echo "make test: all suites passed, EXCEPT the newest column, which was skipped (no Python 3.12)"; \
	else echo "make test: all suites passed"; fi

units: setup
	$(VENV)/bin/python -m pytest -n 2 tests/unit -q

units-lowest: $(VENV_LOWEST)/.done setup
	$(VENV_LOWEST)/bin/python -m pytest -n 2 tests/unit -q -p no:cacheprovider

# The newest column needs Python 3.12: without it, skipped with a message (an error under CI=true).
ifeq ($(strip $(PYTHON_NEWEST)),)
units-newest integration-newest:
	@if [ "$${CI:-}" = "true" ]; then echo "$(NO_NEWEST_MSG) Under CI=true this is an error." >&2; exit 1; fi
	@echo "$(NO_NEWEST_MSG)" >&2
else
units-newest: $(VENV_NEWEST)/.done setup
	$(VENV_NEWEST)/bin/python -m pytest -n 2 tests/unit -q -p no:cacheprovider

# The lowest and newest columns prove the versions: they skip the tests marked `once` (see
# tests/conftest.py), and the newest, whose botocore is the main column's, runs AWS JSON 1.1.
integration-newest: $(VENV_NEWEST)/.done setup
	EDGE_SNOWBALL_PROTOCOLS=json $(VENV_NEWEST)/bin/python -m pytest tests/integration -q -n 2 -p no:cacheprovider \
	  -m "not once" --durations=5
endif

sanity: setup
	$(VENV)/bin/python tests/tools/sanity.py --venv $(VENV)

# The main column runs the Snowball API over Smithy RPC v2 CBOR; the newest column (same botocore) and
# the lowest run it over AWS JSON 1.1 (tests/integration/conftest.py: wanted_protocols).
integration: setup
	EDGE_SNOWBALL_PROTOCOLS=cbor $(VENV)/bin/python -m pytest tests/integration -q -n 2 --durations=8

integration-lowest: $(VENV_LOWEST)/.done setup
	$(VENV_LOWEST)/bin/python -m pytest tests/integration -q -n 2 -p no:cacheprovider -m "not once" --durations=5

lint: setup
	$(VENV)/bin/ruff check plugins tests
	$(VENV)/bin/ruff format --check plugins tests
	$(VENV)/bin/antsibull-changelog lint
	# CHANGELOG.rst is generated from changelogs/changelog.yaml: it must match (`make changelog`)
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VENV)/bin/antsibull-changelog generate --output $(BUILD)/CHANGELOG.rst --output-format rst
	diff -u CHANGELOG.rst $(BUILD)/CHANGELOG.rst || { echo "CHANGELOG.rst is out of date: run make changelog"; exit 1; }
	$(VENV)/bin/ansible-lint --offline --profile production
	$(ANTSIBULL_DOCS) lint-collection-docs --plugin-docs --validate-collection-refs all .
	# docs/reference (rendered by `make docs`) must match the plugins' documentation
	rm -rf $(BUILD)/docs-check && mkdir -p $(BUILD)/docs-check
	$(ANTSIBULL_DOCS) collection --use-current --dest-dir $(BUILD)/docs-check edge.snowball >/dev/null
	diff -r docs/reference $(BUILD)/docs-check || { echo "docs/reference is out of date: run make docs"; exit 1; }

# Regenerate CHANGELOG.rst from changelogs/changelog.yaml. A release adds a release_summary
# fragment and runs `antsibull-changelog release --version X.Y.Z` (with the same PATH), which
# moves the fragments into changelog.yaml.
changelog: setup
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VENV)/bin/antsibull-changelog generate

# Render the collection's reference (RST) from its plugin and role documentation.
docs: setup
	rm -rf docs/reference && mkdir -p docs/reference
	$(ANTSIBULL_DOCS) collection --use-current --dest-dir docs/reference edge.snowball

clean:
	rm -rf $(VENV) $(VENV_LOWEST) $(VENV_NEWEST) $(VENV_BENCH) $(BUILD) $(CACHE) tests/output
