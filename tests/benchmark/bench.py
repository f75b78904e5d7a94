"""Fleet speed: codes for 200 edge hosts, this collection against what users do today.

Run with ``make bench`` (not part of ``make test``). Starts the Snowball API emulator with
``--latency`` added to every call, builds a 200-host inventory (local connection, forks 20), and
runs each approach ``--repeat`` times, interleaved, printing medians and the ratios the project
targets; then the ``unlock`` role on 50 simulated devices whose unlock takes ``--unlock-delay``
seconds (30 by default), with forks 5 and 20, against its floor (2 ping tasks on the same hosts
with the same forks, plus one unlock time); and a remote unlock of 200 managed devices through Snow
Device Management (``--execution-time`` per unlock). API calls (CreateTask among them) are counted
by the emulator. Peak controller
memory is the largest sum of PSS over ansible-playbook and its workers, sampled every 20 ms.
The table goes to docs/performance.md.

    python tests/benchmark/bench.py --aws-cli .venv-bench/bin/aws [--repeat 3] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import datetime
import os
import pathlib
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "tests"))

from emulator import device_management  # noqa: E402
from emulator.api import CREDENTIALS  # noqa: E402
from emulator.api import DEFAULT_ACCESS_KEY  # noqa: E402
from emulator.api import EmulatorServer  # noqa: E402
from emulator.device import DeviceFleet  # noqa: E402
from emulator.jobs import default_jobs  # noqa: E402

BIN = pathlib.Path(sys.executable).parent
HOSTS = 200
DEVICES = 50
ROLE_MODULE_TASKS = 2
ROLE_FORKS = (5, 20)
ROLE_POLL_INTERVAL = 1.0
ANALYSIS_MARKER = "<!-- written by hand below: kept by make bench -->"

PLAYS = {
    "debug": "- hosts: fleet\n  gather_facts: false\n  tasks:\n    - ansible.builtin.debug: {msg: hi}\n",
    "ping": "- hosts: fleet\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n",
    # Not a target: shows what delegating a task to localhost costs by itself (the module row delegates).
    "ping_delegated": "- hosts: fleet\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n      delegate_to: localhost\n",
    "aws_cli": """- hosts: fleet
  gather_facts: false
  tasks:
    - ansible.builtin.command:
        argv: ["{{ aws_cli }}", snowball, get-job-unlock-code, --job-id, "{{ job_id }}", --output, text]
      delegate_to: localhost
      changed_when: false
      no_log: true
""",
    "lookup_batched": """- hosts: fleet
  gather_facts: false
  tasks:
    - ansible.builtin.set_fact:
        codes: "{{ dict(ids | zip(query('edge.snowball.unlock_code', *ids, concurrency=16, check_state=false))) }}"
      vars:
        ids: "{{ ansible_play_hosts | map('extract', hostvars, 'job_id') | list }}"
      run_once: true
      delegate_to: localhost
      delegate_facts: true
      no_log: true
""",
    # What users run: the README's batched lookup with default options.
    "lookup_batched_default": """- hosts: fleet
  gather_facts: false
  tasks:
    - ansible.builtin.set_fact:
        codes: "{{ dict(ids | zip(query('edge.snowball.unlock_code', *ids))) }}"
      vars:
        ids: "{{ ansible_play_hosts | map('extract', hostvars, 'job_id') | list }}"
      run_once: true
      delegate_to: localhost
      delegate_facts: true
      no_log: true
""",
    "lookup_per_host": """- hosts: fleet
  gather_facts: false
  tasks:
    - ansible.builtin.set_fact:
        code: "{{ lookup('edge.snowball.unlock_code', job_id, check_state=false) }}"
      no_log: true
""",
    "module_per_host": """- hosts: fleet
  gather_facts: false
  tasks:
    - edge.snowball.job_unlock_code:
        job_id: "{{ job_id }}"
        check_state: false
      delegate_to: localhost
""",
    "module_per_host_default": """- hosts: fleet
  gather_facts: false
  tasks:
    - edge.snowball.job_unlock_code:
        job_id: "{{ job_id }}"
      delegate_to: localhost
""",
}


def remote_play(devices: int) -> str:
    """One managed_device_unlock on the controller for the first ``devices`` hosts' jobs."""
    return f"""- hosts: fleet[0:{devices - 1}]
  gather_facts: false
  tasks:
    - edge.snowball.managed_device_unlock:
        job_ids: "{{{{ ansible_play_hosts | map('extract', hostvars, 'job_id') | list }}}}"
        poll_interval: 1
        timeout: 300
      run_once: true
      delegate_to: localhost
"""


def fresh_managed(server: EmulatorServer) -> int:
    """Every managed device LOCKED again, no task; returns the emulator's CreateTask count so far."""
    device_management.of(server).reset()
    return server.state.stats()["requests"].get("CreateTask", 0)


RAW_BOTO3 = """
import sys, concurrent.futures, boto3, botocore.config
ids = sys.argv[1:]
client = boto3.client("snowball", config=botocore.config.Config(max_pool_connections=16))
with concurrent.futures.ThreadPoolExecutor(16) as pool:
    codes = list(pool.map(lambda i: client.get_job_unlock_code(JobId=i)["UnlockCode"], ids))
assert len(codes) == len(ids)
"""


class PssSampler:
    """Peak of the summed PSS (shared pages counted once) of a process and its descendants."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    ppid = int(open(f"/proc/{entry.name}/stat").read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry.name))
        out, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, []))
        return out

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for pid in self._tree():
                try:
                    for line in open(f"/proc/{pid}/smaps_rollup"):
                        if line.startswith("Pss:"):
                            total += int(line.split()[1])
                            break
                except OSError:
                    continue
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(0.02)

    def __enter__(self) -> PssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def timed(argv: list[str], env: dict, cwd: pathlib.Path, profile: bool = False) -> tuple[float, float, float]:
    """Wall seconds, peak PSS in MB, and CPU seconds (user + system of the whole process tree:
    ansible-playbook, its workers, the modules and any client they ran)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with PssSampler(proc.pid) as sampler:
        out = proc.communicate()[0]
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:3])}... failed ({proc.returncode}):\n{out[-3000:]}")
    if profile:
        print("\n".join(task_times(out)))
    return wall, sampler.peak_kb / 1024, cpu


def task_times(out: str) -> list[str]:
    """ansible.posix.profile_tasks' lines: each task's wall time over all hosts."""
    return [line for line in out.splitlines() if re.search(r" -{2,} +[0-9.]+s$", line)]


def fresh_devices(work: pathlib.Path, devices: DeviceFleet) -> None:
    """Every simulated device LOCKED again (its fleet's unlock delay), no manifest left on any "edge host"."""
    for server_ in devices.servers:
        server_.device.reset(devices.unlock_delay)
    subprocess.run(["rm", "-rf", str(work / "edge")], check=True)


def profiling_env(env: dict, launches: pathlib.Path) -> dict:
    """``env`` plus per-task times (ansible.posix.profile_tasks) and a fresh log of client starts."""
    launches.unlink(missing_ok=True)
    return dict(env, ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks", SNOWBALL_CLIENT_ARGV_LOG=str(launches))


def role_profile(role_cmd: list[str], env: dict, work: pathlib.Path, devices: DeviceFleet) -> dict:
    """One extra run of the role (not counted in the table) with per-task times and client starts."""
    fresh_devices(work, devices)
    launches = work / "client-argv.log"
    env = profiling_env(env, launches)
    proc = subprocess.run(role_cmd, env=env, cwd=work, capture_output=True, text=True, check=True)
    tasks = []
    for line in task_times(proc.stdout):
        name, seconds = re.match(r"(.*?) -{2,} +([0-9.]+)s$", line).groups()
        tasks.append((name.split(" : ", 1)[-1], float(seconds)))
    return {"tasks": tasks, "client_starts": len(launches.read_text().splitlines()) / DEVICES}


STARTUP = """
import time
t0 = time.perf_counter()
import ansible.module_utils.basic
t1 = time.perf_counter()
import botocore.config, botocore.session
t2 = time.perf_counter()
botocore.session.Session().create_client(
    "snowball", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
)
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def module_startup(env: dict) -> tuple[float, float, float]:
    """Medians over 7 fresh processes, in ms: ansible.module_utils.basic's import (every module
    pays it, ping too), botocore's import, and creating a Snowball client (job_unlock_code pays both)."""
    runs = [
        [
            float(x) * 1000
            for x in subprocess.run(
                [sys.executable, "-c", STARTUP], env=env, capture_output=True, text=True, check=True
            ).stdout.split()
        ]
        for _run in range(7)
    ]
    return tuple(statistics.median(run[i] for run in runs) for i in range(3))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument(
        "--unlock-delay", type=float, default=30.0, help="seconds a simulated device spends UNLOCKING (role rows)"
    )
    parser.add_argument("--aws-cli", default=None, help="the aws executable (AWS CLI v1 from PyPI)")
    parser.add_argument("--out", default=str(REPO / "docs" / "performance.md"))
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print each task's time (ansible.posix.profile_tasks) for the role's runs",
    )
    parser.add_argument("--remote-devices", type=int, default=HOSTS, help="managed devices unlocked remotely")
    parser.add_argument("--execution-time", type=float, default=5.0, help="seconds one remote unlock takes")
    parser.add_argument(
        "--only", default="", help="comma-separated approaches to run (a quick look; no report written)"
    )
    args = parser.parse_args()

    work = pathlib.Path(tempfile.mkdtemp(prefix="edge-bench-"))
    jobs = default_jobs(extra=max(HOSTS, DEVICES))
    server = EmulatorServer(jobs=jobs, latency=args.latency).start()
    device_management.configure(server, execution_time=args.execution_time)
    fleet_jobs = {job.name: job for job in jobs}
    assignments = {f"fleet{i}": f"127.0.1.{i}" for i in range(1, DEVICES + 1)}
    devices = DeviceFleet(fleet_jobs, assignments, port=0, unlock_delay=args.unlock_delay).start()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(
            AWS_ENDPOINT_URL_SNOWBALL=server.url,
            AWS_ENDPOINT_URL_SNOW_DEVICE_MANAGEMENT=server.url,
            AWS_ENDPOINT_URL=server.url,
            AWS_ACCESS_KEY_ID=DEFAULT_ACCESS_KEY,
            AWS_SECRET_ACCESS_KEY=CREDENTIALS[DEFAULT_ACCESS_KEY][0],
            AWS_REGION="us-east-1",
            AWS_DEFAULT_REGION="us-east-1",
            ANSIBLE_COLLECTIONS_PATH=os.environ.get("ANSIBLE_COLLECTIONS_PATH", str(REPO / ".build" / "collections")),
            ANSIBLE_FORKS="20",
            ANSIBLE_PIPELINING="1",
            ANSIBLE_HOST_KEY_CHECKING="0",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_LOCAL_TEMP=str(work / "local-tmp"),
            HOME=str(work / "home"),
            PATH=os.pathsep.join((str(BIN), str(REPO / "tests" / "emulator" / "bin"), os.environ.get("PATH", ""))),
        )
        (work / "home").mkdir()
        lines = ["[fleet]"] + [f"edge{i:03d} job_id={fleet_jobs[f'fleet{i}'].job_id}" for i in range(1, HOSTS + 1)]
        lines += ["[all:vars]", "ansible_connection=local", f"ansible_python_interpreter={sys.executable}"]
        if args.aws_cli:
            lines.append(f"aws_cli={os.path.abspath(args.aws_cli)}")
        (work / "fleet.ini").write_text("\n".join(lines) + "\n")
        plays = dict(PLAYS, remote_200=remote_play(args.remote_devices))
        for name, text in plays.items():
            (work / f"{name}.yml").write_text(text)
        ids = [fleet_jobs[f"fleet{i}"].job_id for i in range(1, HOSTS + 1)]
        (work / "raw_boto3.py").write_text(RAW_BOTO3)

        commands = {name: [str(BIN / "ansible-playbook"), "-i", "fleet.ini", f"{name}.yml"] for name in plays}
        if not args.aws_cli:
            del commands["aws_cli"]
        commands["raw_boto3"] = [sys.executable, "raw_boto3.py", *ids]

        # The role on 50 simulated devices, against 50 ping tasks times the role's module tasks
        # (job_manifest, device_unlock; device_info runs only on hosts sharing a cluster, the rest
        # are set_fact/assert, which run no module).
        role_lines = ["[edge]"] + [
            f"site{i:02d} unlock_job_id={fleet_jobs[f'fleet{i}'].job_id} unlock_endpoint={devices.endpoint(f'fleet{i}')}"
            f" unlock_manifest_path={work}/edge/site{i:02d}/manifest.bin"
            for i in range(1, DEVICES + 1)
        ]
        role_lines += [
            "[all:vars]",
            "ansible_connection=local",
            f"ansible_python_interpreter={sys.executable}",
            f"unlock_poll_interval={ROLE_POLL_INTERVAL}",
        ]
        (work / "edge.ini").write_text("\n".join(role_lines) + "\n")
        (work / "ping_edge.yml").write_text(
            "- hosts: edge\n  gather_facts: false\n  tasks:\n" + "    - ansible.builtin.ping:\n" * ROLE_MODULE_TASKS
        )
        ping_edge = [str(BIN / "ansible-playbook"), "-i", "edge.ini", "ping_edge.yml"]
        role_cmd = [str(BIN / "ansible-playbook"), "-i", "edge.ini", str(REPO / "playbooks" / "unlock.yml")]
        forks_of: dict[str, str] = {}
        for forks in ROLE_FORKS:
            commands[f"ping_role_floor_f{forks}"] = ping_edge
            forks_of[f"ping_role_floor_f{forks}"] = forks_of[f"role_50_f{forks}"] = str(forks)
        roles = [f"role_50_f{forks}" for forks in ROLE_FORKS]
        only = {name for name in args.only.split(",") if name}
        if only:
            commands = {name: argv for name, argv in commands.items() if name in only}
            roles = [name for name in roles if name in only]

        results: dict[str, list[float]] = {name: [] for name in [*commands, *roles]}
        cpus: dict[str, list[float]] = {name: [] for name in results}
        memory: dict[str, float] = {}
        # API requests the emulator counted in one run, per job id (HOSTS ids in every fleet play).
        api_calls: dict[str, float] = {}
        create_tasks: list[int] = []
        for round_ in range(args.repeat):
            for name, argv in commands.items():
                server.state.reset()
                if name == "remote_200":
                    fresh_managed(server)
                wall, peak, cpu = timed(argv, dict(env, ANSIBLE_FORKS=forks_of.get(name, "20")), work)
                stats = server.state.stats()
                api_calls[name] = stats["total"] / HOSTS
                if name == "remote_200":
                    create_tasks.append(stats["requests"].get("CreateTask", 0))
                    print(f"round {round_ + 1} remote_200 sent {create_tasks[-1]} CreateTask calls", flush=True)
                results[name].append(wall)
                cpus[name].append(cpu)
                memory[name] = max(memory.get(name, 0), peak)
                print(f"round {round_ + 1} {name:22s} {wall:7.2f} s  cpu {cpu:6.1f} s  peak {peak:6.0f} MB", flush=True)
            for name in roles:
                fresh_devices(work, devices)
                launches = work / "client-argv.log"
                role_env = dict(env, ANSIBLE_FORKS=forks_of[name])
                role_env = profiling_env(role_env, launches) if args.profile else role_env
                wall, peak, cpu = timed(role_cmd, role_env, work, profile=args.profile)
                if args.profile:
                    count = len(launches.read_text().splitlines())
                    print(f"simulated client started {count} times ({count / DEVICES:.1f} per device)")
                results[name].append(wall)
                cpus[name].append(cpu)
                memory[name] = max(memory.get(name, 0), peak)
                print(f"round {round_ + 1} {name:22s} {wall:7.2f} s  cpu {cpu:6.1f} s  peak {peak:6.0f} MB", flush=True)
        profile = {}
        if not only:
            profile = role_profile(role_cmd, dict(env, ANSIBLE_FORKS=str(ROLE_FORKS[0])), work, devices)
            profile["startup"] = module_startup(env)
    finally:
        devices.stop()
        server.stop()

    med = {name: statistics.median(values) for name, values in results.items() if values}
    cpu_med = {name: statistics.median(values) for name, values in cpus.items() if values}
    report = render(med, cpu_med, memory, profile, args, api_calls, max(create_tasks) if create_tasks else None)
    print(report)
    if not only:
        out = pathlib.Path(args.out)
        # Text after the marker (the maintainers' reading of the figures) is kept across runs.
        kept = out.read_text().partition(ANALYSIS_MARKER)[2] if out.exists() else ""
        out.write_text(report + (f"\n{ANALYSIS_MARKER}{kept}" if kept else ""))
    return 0


def render(
    med: dict[str, float],
    cpu: dict[str, float],
    memory: dict[str, float],
    profile: dict,
    args: argparse.Namespace,
    api_calls: dict[str, float],
    create_tasks: int | None = None,
) -> str:
    rows = [
        ("debug", "playbook whose only task is `debug` (Ansible's own floor)"),
        ("ping", "`ansible.builtin.ping` on every host (floor for any per-host module task)"),
        ("ping_delegated", "`ansible.builtin.ping` delegated to localhost, per host (what delegation adds)"),
        ("aws_cli", "`aws snowball get-job-unlock-code` (AWS CLI v1) through `command`, per host"),
        ("raw_boto3", "raw boto3, one client, 16 threads, 200 calls (no Ansible)"),
        (
            "lookup_batched",
            "this collection: one batched lookup for 200 ids, tuned (`concurrency=16, check_state=false`)",
        ),
        ("lookup_batched_default", "this collection: the README's batched lookup for 200 ids, default options"),
        ("lookup_per_host", "this collection: the lookup in a per-host `set_fact`"),
        (
            "module_per_host",
            "this collection: `job_unlock_code` delegated to localhost, per host (`check_state=false`)",
        ),
        (
            "module_per_host_default",
            "this collection: `job_unlock_code` delegated to localhost, per host, default options",
        ),
        (
            "remote_200",
            f"this collection: `managed_device_unlock` once on the controller for {args.remote_devices} managed"
            f" devices ({args.execution_time:g} s per unlock)",
        ),
    ]
    for forks in ROLE_FORKS:
        rows += [
            (f"ping_role_floor_f{forks}", f"{ROLE_MODULE_TASKS} `ping` tasks on 50 hosts, `forks: {forks}`"),
            (
                f"role_50_f{forks}",
                f"this collection: the `unlock` role on 50 simulated devices ({args.unlock_delay:g} s unlock),"
                f" `forks: {forks}`",
            ),
        ]
    out = [
        "# Performance: unlock codes for a fleet",
        "",
        f"Measured by `make bench` ({datetime.date.today()}, {platform.machine()}, {os.cpu_count()} CPUs,"
        f" Python {platform.python_version()}): 200 hosts with the local connection and `forks: 20`, the"
        f" API emulator adding {args.latency * 1000:.0f} ms to every call; whole-process wall time, median of"
        f" {args.repeat} interleaved runs. CPU: user + system seconds of the whole process tree (2 CPUs give"
        " at most 2 CPU-seconds per second). Peak memory: the largest sum of PSS of the controller's processes.",
        "",
        "| approach | wall (s) | CPU (s) | peak memory (MB) | API calls per id |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for key, label in rows:
        if key in med:
            calls = f"{api_calls[key]:.2f}" if api_calls.get(key) else ""
            out.append(f"| {label} | {med[key]:.1f} | {cpu.get(key, 0):.1f} | {memory.get(key, 0):.0f} | {calls} |")
    out += ["", "## Targets", "", "| target | measured | met |", "| --- | --- | --- |"]

    def target(text: str, value: float, limit: float, unit: str = "×", less: bool = True) -> None:
        ok = value <= limit if less else value >= limit
        out.append(f"| {text} | {value:.2f}{unit} | {'yes' if ok else 'no'} |")

    if {"lookup_batched", "debug", "raw_boto3"} <= med.keys():
        target(
            "batched lookup ≤ 1.5 × (debug floor + raw boto3)",
            med["lookup_batched"] / (med["debug"] + med["raw_boto3"]),
            1.5,
        )
    if {"aws_cli", "lookup_batched"} <= med.keys():
        target(
            "batched lookup ≥ 15 × faster than the AWS CLI per host",
            med["aws_cli"] / med["lookup_batched"],
            15,
            less=False,
        )
    if {"lookup_batched_default", "lookup_batched"} <= med.keys():
        target(
            "README batched lookup, default options ≤ 1.2 × the tuned one",
            med["lookup_batched_default"] / med["lookup_batched"],
            1.2,
        )
    for key, text in (
        ("lookup_batched_default", "batched lookup, default options: API calls per id = 1"),
        ("module_per_host_default", "`job_unlock_code` per host, default options: API calls per host = 1"),
    ):
        if key in api_calls:
            target(text, api_calls[key], 1.0, unit="")
    if {"module_per_host", "ping"} <= med.keys():
        target("per-host module ≤ 1.8 × the ping floor", med["module_per_host"] / med["ping"], 1.8)
    for forks in ROLE_FORKS:
        if {f"role_50_f{forks}", f"ping_role_floor_f{forks}"} <= med.keys():
            target(
                f"role on 50 devices, forks {forks} ≤ 1.3 × ({ROLE_MODULE_TASKS} ping tasks + one {args.unlock_delay:g} s unlock)",
                med[f"role_50_f{forks}"] / (med[f"ping_role_floor_f{forks}"] + args.unlock_delay),
                1.3,
            )
    if "remote_200" in med:
        target(
            f"remote unlock of {args.remote_devices} devices ≤ one execution ({args.execution_time:g} s) + 10 s",
            med["remote_200"],
            args.execution_time + 10,
            unit=" s",
        )
    if create_tasks is not None:
        limit = -(-args.remote_devices // 10)
        target(f"CreateTask calls for {args.remote_devices} devices ≤ {limit}", create_tasks, limit, unit="")
    if "lookup_batched" in memory:
        target("peak controller memory, batched lookup < 300 MB", memory["lookup_batched"], 300, unit=" MB")
    if profile:
        basic, botocore_import, client = profile["startup"]
        out += [
            "",
            "## Where the time goes",
            "",
            "Start-up of one module process, medians of 7 fresh processes:"
            f" `ansible.module_utils.basic` {basic:.0f} ms (every module, ping too), botocore {botocore_import:.0f} ms,"
            f" a Snowball client {client:.0f} ms (job_unlock_code pays these two on top of what ping pays).",
            "",
            f"One more run of the role (`forks: {ROLE_FORKS[0]}`), with `ansible.posix.profile_tasks` (wall time of each"
            f" task over the 50 hosts; the Snowball Edge client, simulated, was started {profile['client_starts']:.1f}"
            " times per device: describe and unlock in the first pass, then describe, and again every"
            f" `unlock_poll_interval` of {ROLE_POLL_INTERVAL:g} s until UNLOCKED, in the second):",
            "",
            "| task | wall (s) |",
            "| --- | ---: |",
        ]
        out += [f"| {name} | {seconds:.2f} |" for name, seconds in profile["tasks"]]
    out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
