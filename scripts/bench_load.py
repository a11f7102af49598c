"""Proof under load (issue #8 items 11 and 13), run by scripts/bench_load.sh after the data set
exists. Prints Markdown tables; keeps the raw logs and a JSON summary in var/bench/load/.

1. Accounts and an open council session (scripts/bench_load_setup.py), `collectstatic`, then
   gunicorn on 127.0.0.1:LOAD_PORT with DEBUG off (secure cookies and the HTTPS redirect off:
   plain HTTP on loopback), LOAD_WORKERS × LOAD_THREADS gthread workers.
2. PDF budget: a Redis of its own (port LOAD_REDIS_PORT, or LOAD_REDIS_URL) and one Celery
   worker bound to the `reports` queue (concurrency 1); the final review is requested through
   `reports.services.report_request` (the service the request page calls), rendered by the real
   task; time = the task's own started_at → finished_at; peak RSS = VmHWM of the worker child
   that ran it, CPU = that child's user + system time.
3. A warm-up run (not recorded), then LOAD_RUNS runs of scripts/locustfile.py (separate process:
   `locust --headless -u LOAD_USERS -r LOAD_SPAWN_RATE --run-time LOAD_RUN_TIME`), each after
   the bench council session's ballots are reset. Figures are taken over the steady state, from
   LOAD_SETTLE (5) seconds after the last user has signed in; errors over the whole run,
   sign-ins included.
4. Interactive latency while two final reviews render: a worker `-Q reports -c 2` in each of
   LOAD_VARIANTS (quota,nice,normal): in a CPU cgroup capped at LOAD_CPU_QUOTA CPUs and marked
   idle (as Docker's `cpus:` or systemd's `CPUQuota=` + `CPUWeight=idle` would), under
   `nice -n 19`, at normal priority. Each such run lasts LOAD_RUN_TIME + LOAD_RENDER_EXTRA
   (60 s); two final reviews are requested LOAD_RENDER_AT (30) seconds into its steady state.
   The p95 of the requests that started while a report was rendering is compared with the p95
   of the same run's other steady-state requests (the verdict: same data, same minutes), and
   with the median p95 of the runs without rendering. These runs come between the runs of
   step 3 (run 1, quota, run 2, nice, run 3, normal).
   The `host` variant stands in for a reports host of its own on one machine: the report
   worker runs on LOAD_HOST_REPORT_CPUS (1) only, the web (gunicorn) and PostgreSQL are
   pinned to LOAD_HOST_WEB_CPUS (0) for that run, and locust, the clients, runs beside the
   worker (which is under `nice -n 19`, so the clients' own timing is not held up by it). The
   web then has fewer cores, so that run has LOAD_HOST_USERS users (default: LOAD_USERS × web
   CPUs ÷ all CPUs, the same users per web core); only its paired rise is meaningful.

Environment: LOAD_PORT (8795), LOAD_WORKERS (3), LOAD_THREADS (4), LOAD_USERS (80),
LOAD_SPAWN_RATE (10), LOAD_RUN_TIME (90s), LOAD_RUNS (3), LOAD_WAIT_MIN/MAX (3/10 s think time),
LOAD_SETTLE (5 s), LOAD_PDF (1: steps 2 and 4), LOAD_VARIANTS (quota,nice,normal; or host),
LOAD_CPU_QUOTA (0.5 CPU), LOAD_NICE (0: no nice run), LOAD_HOST_WEB_CPUS (0),
LOAD_HOST_REPORT_CPUS (1), LOAD_HOST_USERS, LOAD_RENDER_AT (30 s), LOAD_RENDER_EXTRA (60 s),
LOAD_RENDER_ROUNDS (1),
LOAD_PIN_CPU (empty; e.g. 1: the nice variant's worker runs on that CPU only, `taskset -c`),
LOAD_REDIS_PORT (6395), LOAD_REDIS_URL (use this Redis instead of starting one), SEED (1).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "bench" / "load"
SEED = int(os.environ.get("SEED", "1"))
PORT = int(os.environ.get("LOAD_PORT", "8795"))
WORKERS = int(os.environ.get("LOAD_WORKERS", "3"))
THREADS = int(os.environ.get("LOAD_THREADS", "4"))
USERS = int(os.environ.get("LOAD_USERS", "80"))
SPAWN_RATE = os.environ.get("LOAD_SPAWN_RATE", "10")
RUN_TIME = os.environ.get("LOAD_RUN_TIME", "90s")
SETTLE = float(os.environ.get("LOAD_SETTLE", "5"))
RUNS = int(os.environ.get("LOAD_RUNS", "3"))
#: Seconds into the steady state at which the two final reviews are requested, and seconds the
#: runs with rendering last beyond LOAD_RUN_TIME: the same run then holds requests before and
#: after the renders, the paired control for the requests during them.
RENDER_AT = float(os.environ.get("LOAD_RENDER_AT", "30"))
RENDER_EXTRA = float(os.environ.get("LOAD_RENDER_EXTRA", "60"))
#: How many times two final reviews are requested, each pair once the previous one is done:
#: more rounds, more requests made while two reports render (a larger sample for its p95).
RENDER_ROUNDS = int(os.environ.get("LOAD_RENDER_ROUNDS", "1"))
PDF = os.environ.get("LOAD_PDF", "1") != "0"
#: CPU list (taskset -c) for the nice variant's report worker, e.g. "1": the renders then share
#: one core and the web keeps the other — a CPU quota as a deployment would set one. Empty: off.
PIN_CPU = os.environ.get("LOAD_PIN_CPU", "")
#: CPUs the quota variant's report worker may use, as a deployment caps it (Docker `cpus:`,
#: systemd `CPUQuota=`): a CPU cgroup with that quota, marked idle (Docker `cpu_shares: 2`,
#: systemd `CPUWeight=idle`) so a waking web thread preempts a render at once. 0 or empty: off.
CPU_QUOTA = float(os.environ.get("LOAD_CPU_QUOTA", "0.5") or 0)
#: The report-worker variants run between the runs without rendering, in this order.
VARIANTS = [
    v.strip() for v in os.environ.get("LOAD_VARIANTS", "quota,nice,normal").split(",") if v.strip()
]
if os.environ.get("LOAD_NICE") == "0":  # the older switch: no nice run
    VARIANTS = [v for v in VARIANTS if v != "nice"]
if unknown := set(VARIANTS) - {"quota", "nice", "normal", "host"}:
    raise SystemExit(f"LOAD_VARIANTS: unknown {sorted(unknown)}; use quota, nice, normal, host.")
REDIS_PORT = int(os.environ.get("LOAD_REDIS_PORT", "6395"))
HOST = f"http://127.0.0.1:{PORT}"
CORES = os.cpu_count() or 1


def cpu_list(text: str) -> set[int]:
    """'0', '0-1', '0,2-3' → CPU numbers."""
    cpus: set[int] = set()
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        cpus.update(range(int(first), int(last or first) + 1))
    return cpus


#: The `host` variant: CPUs of the stand-in web + database host and of the stand-in reports host.
HOST_WEB_CPUS = os.environ.get("LOAD_HOST_WEB_CPUS", "0")
HOST_REPORT_CPUS = os.environ.get("LOAD_HOST_REPORT_CPUS", "1")
HOST_USERS = int(
    os.environ.get("LOAD_HOST_USERS")
    or max(1, round(int(os.environ.get("LOAD_USERS", "80")) * len(cpu_list(HOST_WEB_CPUS)) / CORES))
)
if "host" in VARIANTS and (
    cpu_list(HOST_WEB_CPUS) & cpu_list(HOST_REPORT_CPUS)
    or not (cpu_list(HOST_WEB_CPUS) | cpu_list(HOST_REPORT_CPUS)) <= set(range(CORES))
):
    raise SystemExit(
        f"LOAD_HOST_WEB_CPUS={HOST_WEB_CPUS} and LOAD_HOST_REPORT_CPUS={HOST_REPORT_CPUS} must be "
        f"separate CPUs of this machine's {CORES}."
    )
DATABASE = urllib.parse.urlparse(os.environ.get("DATABASE_URL", "")).path.lstrip("/")
GOALS = {"html_p95": 300.0, "post_p95": 500.0, "pdf_seconds": 30.0, "pdf_mb": 600.0, "rise": 0.20}

# The web and worker processes: production settings, plain HTTP on loopback.
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    "PYTHONUNBUFFERED": "1",
}
ENV.pop("REDIS_URL", None)  # the web answers /healthz/ without a broker round trip (see docs)


def say(text: str) -> None:
    print(text, flush=True)


def loadavg() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of one process."""
    try:
        parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError, IndexError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return sorted(found)


def postgres_processes() -> list[tuple[int, list[str]]]:
    """(pid, argv) of every PostgreSQL process on this machine: the postmaster (…/postgres) and
    the processes it forks, whose title starts "postgres:" (a backend's names its database)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                argv = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
                if argv[0].startswith("postgres:") or argv[0].endswith("/postgres"):
                    found.append((int(entry.name), argv))
    return found


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class CpuSampler(threading.Thread):
    """CPU seconds used during a run by groups of processes: the web (gunicorn master and
    workers), this database's PostgreSQL backends (found by their process title, which names
    the database; sampled every second, so a backend that exits between samples loses at most
    one second) and the report worker's children."""

    def __init__(self, groups: dict[str, list[int]], database: str):
        super().__init__(daemon=True)
        self.fixed = groups
        self.marker = f" {database} "
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.group: dict[int, str] = {}
        self.stopped = threading.Event()
        self.sample(initial=True)

    def backends(self) -> list[int]:
        return [
            pid
            for pid, argv in postgres_processes()
            if argv[0].startswith("postgres: ") and self.marker in " ".join(argv)
        ]

    def sample(self, initial: bool = False) -> None:
        pids = [(g, p) for g, ps in self.fixed.items() for p in ps]
        pids += [("postgres", p) for p in self.backends()]
        for group, pid in pids:
            cpu = proc_cpu(pid)
            if pid not in self.first:
                self.first[pid] = cpu if initial else 0.0
                self.group[pid] = group
            self.last[pid] = max(cpu, self.last.get(pid, 0.0))

    def run(self) -> None:
        while not self.stopped.wait(1.0):
            self.sample()

    def stop(self) -> dict[str, float]:
        self.stopped.set()
        self.join()
        self.sample()
        used: dict[str, float] = dict.fromkeys(self.fixed, 0.0) | {"postgres": 0.0}
        for pid, group in self.group.items():
            used[group] += max(0.0, self.last[pid] - self.first[pid])
        return used


def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def wait_for(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise SystemExit(f"Timed out waiting for {what}")


def stop(proc: subprocess.Popen | None, sig=signal.SIGTERM, timeout: float = 30) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def seconds(run_time: str) -> float:
    """locust's --run-time ("90s", "2m", "1m30s") in seconds."""
    total, number = 0.0, ""
    for ch in run_time.strip():
        if ch.isdigit() or ch == ".":
            number += ch
        else:
            total += float(number or 0) * {"s": 1, "m": 60, "h": 3600}[ch]
            number = ""
    return total + float(number or 0)


def pct(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def med(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits: int = 0) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


# --- processes ------------------------------------------------------------------------------------
def run_setup(*args: str) -> None:
    subprocess.run(
        [sys.executable, "scripts/bench_load_setup.py", "--seed", str(SEED), *args],
        cwd=ROOT,
        env=ENV,
        check=True,
    )


def start_gunicorn() -> subprocess.Popen:
    if not port_free(PORT):
        raise SystemExit(f"Port {PORT} is in use: set LOAD_PORT.")
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--worker-class",
            "gthread",
            "--timeout",
            "120",
            "--error-logfile",
            str(OUT / "gunicorn.log"),
        ],
        cwd=ROOT,
        env=ENV,
    )

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(f"{HOST}/healthz/", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    wait_for(healthy, 60, "gunicorn")
    return proc


def start_redis() -> tuple[subprocess.Popen | None, str]:
    if os.environ.get("LOAD_REDIS_URL"):
        return None, os.environ["LOAD_REDIS_URL"]
    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit("The PDF step needs redis-server (or LOAD_REDIS_URL).")
    if not port_free(REDIS_PORT):
        raise SystemExit(f"Port {REDIS_PORT} is in use: set LOAD_REDIS_PORT.")
    proc = subprocess.Popen(
        [
            server,
            *("--port", str(REDIS_PORT), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--logfile", str(OUT / "redis.log")),
        ],
        cwd=OUT,
    )
    wait_for(lambda: not port_free(REDIS_PORT), 20, "redis-server")
    return proc, f"redis://127.0.0.1:{REDIS_PORT}/0"


CGROUP_NAME = "thidua-bench-reports"


def cpu_cgroup(cpus: float) -> Path:
    """A CPU cgroup holding at most `cpus` CPUs' time, marked idle where the kernel can: what
    Docker's `cpus:` + `cpu_shares: 2` or systemd's `CPUQuota=` + `CPUWeight=idle` set up.
    cgroup v2 (`cpu.max`, `cpu.weight`) or v1 (`cpu.cfs_quota_us`, `cpu.shares`); `cpu.idle`
    (Linux 5.15+) makes its tasks SCHED_IDLE to the scheduler. Needs root."""
    period = 100_000
    quota = max(1000, int(cpus * period))
    v2 = Path("/sys/fs/cgroup")
    controllers = v2 / "cgroup.controllers"
    try:
        if controllers.exists() and "cpu" in controllers.read_text().split():
            subtree = v2 / "cgroup.subtree_control"
            if "cpu" not in subtree.read_text().split():
                subtree.write_text("+cpu")  # children of the root get the cpu controller
            group = v2 / CGROUP_NAME
            group.mkdir(exist_ok=True)
            if (group / "cpu.idle").exists():  # an idle group refuses a weight: unmark first
                (group / "cpu.idle").write_text("0")
            (group / "cpu.max").write_text(f"{quota} {period}")
            (group / "cpu.weight").write_text("1")
        else:
            group = v2 / "cpu" / CGROUP_NAME
            group.mkdir(exist_ok=True)
            if (group / "cpu.idle").exists():  # an idle group refuses shares: unmark first
                (group / "cpu.idle").write_text("0")
            (group / "cpu.cfs_period_us").write_text(str(period))
            (group / "cpu.cfs_quota_us").write_text(str(quota))
            (group / "cpu.shares").write_text("2")
        if (group / "cpu.idle").exists():
            (group / "cpu.idle").write_text("1")
    except OSError as exc:
        raise SystemExit(
            f"The quota variant needs a writable CPU cgroup (run as root, or set "
            f"LOAD_VARIANTS=nice,normal): {exc}"
        ) from exc
    return group


def cgroup_line(group: Path) -> str:
    """What the kernel holds for the group, for the report."""

    def read(name: str) -> str:
        f = group / name
        return f.read_text().strip() if f.exists() else "—"

    if (group / "cpu.max").exists():
        return (
            f"cpu.max {read('cpu.max')}, cpu.weight {read('cpu.weight')}, "
            f"cpu.idle {read('cpu.idle')}"
        )
    return (
        f"cpu.cfs_quota_us {read('cpu.cfs_quota_us')} / cpu.cfs_period_us "
        f"{read('cpu.cfs_period_us')}, cpu.shares {read('cpu.shares')}, cpu.idle {read('cpu.idle')}"
    )


def throttled_seconds(group: Path) -> float:
    """Time the group's tasks were held back by the quota (cpu.stat)."""
    stat = dict(
        line.split() for line in (group / "cpu.stat").read_text().splitlines() if " " in line
    )
    if "throttled_usec" in stat:
        return int(stat["throttled_usec"]) / 1e6
    return int(stat.get("throttled_time", 0)) / 1e9


def variant_label(variant: str) -> str:
    if variant == "quota":
        return f"CPU quota {CPU_QUOTA:g} CPU, idle"
    if variant == "host":
        return (
            f"own host (stand-in): reports on CPU {HOST_REPORT_CPUS}, web + PostgreSQL on CPU "
            f"{HOST_WEB_CPUS}, {HOST_USERS} users"
        )
    if variant == "nice":
        return "nice -n 19" + (f", CPU {PIN_CPU} only" if PIN_CPU else "")
    return "normal priority"


def start_worker(redis_url: str, concurrency: int, variant: str, tag: str) -> subprocess.Popen:
    log = OUT / f"worker-{tag}.log"
    log.unlink(missing_ok=True)
    cmd = [
        str(BIN / "celery"),
        "-A",
        "portal",
        "worker",
        "-Q",
        "reports",
        "-c",
        str(concurrency),
        "--pool",
        "prefork",
        "-n",
        f"bench-load-{tag}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-l",
        "INFO",
        "--logfile",
        str(log),
    ]
    if variant == "nice":
        cmd = ["nice", "-n", "19", *cmd]
        if PIN_CPU:
            cmd = ["taskset", "-c", PIN_CPU, *cmd]
    elif variant == "host":
        cmd = ["taskset", "-c", HOST_REPORT_CPUS, "nice", "-n", "19", *cmd]
    elif variant == "quota":
        # The shell joins the group, then becomes the worker: its pool children inherit it.
        procs = cpu_cgroup(CPU_QUOTA) / "cgroup.procs"
        cmd = ["sh", "-c", 'echo $$ > "$0" && exec "$@"', str(procs), *cmd]
    with open(OUT / f"worker-{tag}.out", "w") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env={**ENV, "REDIS_URL": redis_url}, stdout=out, stderr=out
        )
    wait_for(lambda: log.exists() and " ready." in log.read_text(), 90, "celery worker")
    wait_for(lambda: len(children(proc.pid)) >= concurrency, 30, "worker children")
    return proc


def postgres_pids() -> list[int]:
    """Every process of the PostgreSQL server (postmaster, its helpers and backends) — the
    server this bench uses runs on this machine."""
    return [pid for pid, _ in postgres_processes()]


@contextlib.contextmanager
def pinned(pids: list[int], cpus: set[int]):
    """Every thread of these processes on `cpus` only (processes and threads started meanwhile
    inherit it); afterwards, every thread of them and of their children back on all CPUs — the
    database server is shared with whatever runs on this machine next."""

    def threads(pid: int) -> list[int]:
        with contextlib.suppress(OSError):
            return [int(t.name) for t in Path(f"/proc/{pid}/task").iterdir()]
        return []

    def set_all(targets: list[int], mask: set[int]) -> None:
        for pid in targets:
            for tid in threads(pid):
                with contextlib.suppress(OSError):
                    os.sched_setaffinity(tid, mask)

    set_all(pids, cpus)
    try:
        yield
    finally:
        everyone = set(pids) | set(postgres_pids())
        for pid in pids:
            everyone.update(children(pid))
        set_all(sorted(everyone), set(range(CORES)))


# --- Django side (reports are requested as the secretariat would) ---------------------------------
def django_setup(redis_url: str):
    os.environ.update(ENV)
    os.environ["REDIS_URL"] = redis_url  # this process requests reports: send them to Redis
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def request_final_reviews(count: int) -> list[int]:
    """`count` final reviews of the generated campaign. Campaign reports ignore object_id; a
    second open request with the same key would be answered with the first one, so the second
    report uses object_id 1 to make two renders run at once."""
    from campaigns.models import Campaign
    from portal.models import User
    from reports.services import report_request

    campaign = Campaign.objects.get(code=f"gen-{SEED}")
    by = User.objects.get(username="bench-thuongtruc")
    return [
        report_request(
            campaign=campaign,
            kind="final_review",
            year=campaign.final_review_year,
            by=by,
            object_id=n,
        ).pk
        for n in range(count)
    ]


def wait_reports(ids: list[int], timeout: float = 900) -> list:
    from reports.models import Report, ReportStatus

    # A later round's version supersedes a finished one.
    done = {ReportStatus.READY, ReportStatus.FAILED, ReportStatus.SIGNED, ReportStatus.SUPERSEDED}
    wait_for(
        lambda: Report.objects.filter(pk__in=ids, status__in=done).count() == len(ids),
        timeout,
        f"reports {ids}",
    )
    reports = list(Report.objects.filter(pk__in=ids).order_by("pk"))
    for r in reports:
        if r.status == ReportStatus.FAILED:
            raise SystemExit(f"Report {r.pk} failed: {r.error}")
    return reports


# --- locust ---------------------------------------------------------------------------------------
def locust(
    tag: str,
    users: int,
    run_time: str,
    record: bool = True,
    signed_in=None,
    cpus: str = "",
) -> dict:
    """One locust run in its own process (on `cpus` only, when given). `signed_in()` (optional)
    runs in a thread once every user has signed in."""
    raw = OUT / f"{tag}.json"
    raw.unlink(missing_ok=True)
    signal_file = OUT / f"{tag}.signed-in"
    signal_file.unlink(missing_ok=True)
    cmd = [
        str(BIN / "locust"),
        "-f",
        "scripts/locustfile.py",
        "--headless",
        "-u",
        str(users),
        "-r",
        SPAWN_RATE,
        "--run-time",
        run_time,
        "--host",
        HOST,
        "--stop-timeout",
        "10",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--csv",
        str(OUT / tag),
    ]
    if cpus:
        cmd = ["taskset", "-c", cpus, *cmd]
    env = {
        **os.environ,
        "LOAD_ACCOUNTS": str(ROOT / "var" / "bench" / "load_accounts.json"),
        "LOAD_RAW": str(raw),
        "LOAD_SIGNED_IN": str(signal_file),
    }
    before_load = loadavg()
    busy0, total0 = cpu_busy()
    sampler = CpuSampler(
        {
            "web": [PROC["gunicorn"].pid, *children(PROC["gunicorn"].pid)],
            "reports": children(PROC["worker"].pid) if PROC.get("worker") else [],
        },
        DATABASE,
    )
    sampler.start()
    started = time.monotonic()
    side = None
    with open(OUT / f"{tag}.log", "w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        if signed_in is not None:

            def when_signed_in() -> None:
                while proc.returncode is None and not signal_file.exists():
                    time.sleep(0.2)
                if signal_file.exists():
                    signed_in()

            side = threading.Thread(target=when_signed_in, daemon=True)
            side.start()
        _, _, usage = os.wait4(proc.pid, 0)
        proc.returncode = 0
    if side is not None:
        side.join()
    wall = time.monotonic() - started
    busy1, total1 = cpu_busy()
    used = sampler.stop()
    if not record:
        return {}
    if not raw.exists():
        raise SystemExit(f"locust wrote no {raw}; see {OUT / (tag + '.log')}")
    data = json.loads(raw.read_text())
    result = analyse(data)
    result.update(
        tag=tag,
        load_before=before_load,
        load_after=loadavg(),
        machine_busy=(busy1 - busy0) / (total1 - total0) * 100,
        # % of one core; the machine has os.cpu_count() of them.
        locust_cpu=(usage.ru_utime + usage.ru_stime) / wall * 100,
        web_cpu=used["web"] / wall * 100,
        db_cpu=used["postgres"] / wall * 100,
        reports_cpu=used["reports"] / wall * 100,
    )
    ours = result["locust_cpu"] + result["web_cpu"] + result["db_cpu"] + result["reports_cpu"]
    result["others_cpu"] = max(0.0, result["machine_busy"] * CORES - ours)
    return result


def analyse(data: dict, window: tuple[float, float] | None = None, outside: bool = False) -> dict:
    """Figures of one run's steady state; with `window`, only the requests that started in it
    (or, with `outside`, only those that did not)."""
    kinds = data["kinds"]
    requests = data["requests"]  # [start, method, name, ms, error]
    logins = [r for r in requests if kinds.get(r[2]) == "login"]
    # Steady state: SETTLE seconds after the last user has signed in (the sign-in burst leaves
    # a queue behind that takes a few seconds to drain; see docs/performance.md).
    steady_from = SETTLE + max(
        [r[0] + r[3] / 1000 for r in logins if r[1] == "POST"] + [data["marks"]["spawned"]]
    )
    steady = [r for r in requests if r[0] >= steady_from and kinds.get(r[2]) != "login"]
    if window is not None:
        steady = [r for r in steady if (window[0] <= r[0] <= window[1]) != outside]
    span = (max(r[0] for r in steady) - min(r[0] for r in steady)) if steady else 0

    def times(kind_set) -> list[float]:
        return [r[3] for r in steady if kinds.get(r[2]) in kind_set]

    routes = {}
    for name in sorted({r[2] for r in requests}):
        rows = [r for r in steady if r[2] == name]
        every = [r for r in requests if r[2] == name]
        routes[name] = {
            "kind": kinds.get(name, "?"),
            "method": every[0][1],
            "count": len(rows),
            "failures": sum(1 for r in every if r[4]),
            "p50": pct([r[3] for r in rows], 0.50),
            "p95": pct([r[3] for r in rows], 0.95),
        }
    html, post, trivial = times({"html"}), times({"post"}), times({"trivial"})
    login_times = [r[3] for r in logins if r[1] == "POST"]
    errors = [r for r in requests if r[4]]
    return {
        "routes": routes,
        "steady_seconds": span,
        "rps": len(steady) / span if span else 0,
        "html_p50": pct(html, 0.5),
        "html_p95": pct(html, 0.95),
        "post_p50": pct(post, 0.5),
        "post_p95": pct(post, 0.95),
        "interactive_p95": pct(html + post, 0.95),
        "trivial_p50": pct(trivial, 0.5),
        "trivial_p95": pct(trivial, 0.95),
        "ratio": (pct(html, 0.95) / pct(trivial, 0.95)) if html and trivial else None,
        "html_n": len(html),
        "post_n": len(post),
        "errors": len(errors),
        "error_samples": sorted({f"{r[2]}: {r[4]}" for r in errors})[:10],
        "requests": len(requests),
        "login_p50": pct(login_times, 0.5),
        "login_p95": pct(login_times, 0.95),
        "steady_from": steady_from,
    }


# --- PDF ------------------------------------------------------------------------------------------
def render_alone(redis_url: str) -> dict:
    say(f"== PDF: final review, one worker on the reports queue (-c 1) · load {loadavg()}")
    worker = start_worker(redis_url, 1, "normal", tag="pdf")
    try:
        child = children(worker.pid)[0]
        rss0, cpu0 = status_kb(child, "VmRSS"), proc_cpu(child)
        load0 = loadavg()
        # What the render costs the database (shared with the web even when the reports worker
        # has a host of its own); the bench's own polling for the result is included.
        database = CpuSampler({}, DATABASE)
        database.start()
        (report,) = wait_reports(request_final_reviews(1))
        db_cpu = database.stop()["postgres"]
        result = {
            "load_before": load0,
            "load_after": loadavg(),
            "report": report.pk,
            "pages": report.page_count,
            "kb": report.size / 1024,
            "seconds": (report.finished_at - report.started_at).total_seconds(),
            "queued_seconds": (report.started_at - report.requested_at).total_seconds(),
            "cpu": proc_cpu(child) - cpu0,
            "db_cpu": db_cpu,
            "rss_before_mb": rss0 / 1024,
            "peak_mb": status_kb(child, "VmHWM") / 1024,
        }
    finally:
        stop(worker, signal.SIGTERM, 60)
    say(
        f"   {result['pages']} pages, {result['kb']:.0f} KiB: {result['seconds']:.1f} s "
        f"(CPU {result['cpu']:.1f} s, PostgreSQL {result['db_cpu']:.1f} s), peak RSS "
        f"{result['peak_mb']:.0f} MB · load {result['load_after']}"
    )
    return result


def load_with_renders(redis_url: str, variant: str, number: int) -> dict:
    tag = f"render{number}-{variant}"
    run_setup("--reset-votes")
    worker = PROC["worker"] = start_worker(redis_url, 2, variant, tag=tag)
    group = cpu_cgroup(CPU_QUOTA) if variant == "quota" else None
    throttled0 = throttled_seconds(group) if group else 0.0
    try:
        kids = children(worker.pid)
        cpu0 = {p: proc_cpu(p) for p in kids}
        ids: list[int] = []

        def request() -> None:
            # Inside the steady state, with time before and after for the paired control.
            time.sleep(SETTLE + RENDER_AT)
            try:
                for round_ in range(RENDER_ROUNDS):
                    pair = request_final_reviews(2)
                    ids.extend(pair)
                    if round_ + 1 < RENDER_ROUNDS:
                        wait_reports(pair)
            finally:
                from django.db import connection

                connection.close()  # this thread's own connection

        run_time = f"{seconds(RUN_TIME) + RENDER_EXTRA:.0f}s"
        if variant == "host":
            # The web and the database on their CPUs for this run; the clients beside the
            # reports worker (they are other machines in a deployment).
            web = [PROC["gunicorn"].pid, *children(PROC["gunicorn"].pid)]
            with pinned(web + postgres_pids(), cpu_list(HOST_WEB_CPUS)):
                result = locust(tag, HOST_USERS, run_time, signed_in=request, cpus=HOST_REPORT_CPUS)
        else:
            result = locust(tag, USERS, run_time, signed_in=request)
        if not ids:
            raise SystemExit(f"{tag}: not every user signed in; no report was requested")
        reports = wait_reports(ids)
        window = (
            min(r.started_at for r in reports).timestamp(),
            max(r.finished_at for r in reports).timestamp(),
        )
        data = json.loads((OUT / f"{tag}.json").read_text())
        during = analyse(data, window)
        control = analyse(data, window, outside=True)
        result.update(
            variant=variant,
            label=variant_label(variant),
            cgroup=cgroup_line(group) if group else None,
            throttled=throttled_seconds(group) - throttled0 if group else None,
            renders=[
                {
                    "seconds": (r.finished_at - r.started_at).total_seconds(),
                    "pages": r.page_count,
                }
                for r in reports
            ],
            worker_cpu=sum(proc_cpu(p) - cpu0[p] for p in kids),
            peak_mb=max(status_kb(p, "VmHWM") for p in kids) / 1024,
            during=during,
            control=control,
            overlap=max(
                0.0,
                min(window[1], result["steady_from"] + result["steady_seconds"])
                - max(window[0], result["steady_from"]),
            )
            / max(result["steady_seconds"], 1),
        )
    finally:
        PROC.pop("worker", None)
        stop(worker, signal.SIGTERM, 60)
    return result


# --- report ---------------------------------------------------------------------------------------
def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("**PASS**" if ok else "**FAIL**")


def cpu_split(r: dict) -> str:
    parts = [r["web_cpu"], r["db_cpu"], r["locust_cpu"], r["others_cpu"]]
    return " / ".join("—" if x is None else f"{x:.0f}" for x in parts)


def table(header: list[str], align: str, rows: list[list]) -> None:
    say("| " + " | ".join(header) + " |")
    say("|" + "|".join("---:" if a == "r" else "---" for a in align) + "|")
    for row in rows:
        say("| " + " | ".join(str(x) for x in row) + " |")


def print_report(runs: list[dict], pdf: dict | None, loaded: list[dict], started: float) -> None:
    today = datetime.date.today().isoformat()
    say(
        f"\n### Load: {USERS} users, gunicorn {WORKERS} workers × {THREADS} threads (gthread), "
        f"{RUN_TIME} × {len(runs)} runs, {today}\n"
    )
    skip = {"routes", "error_samples", "tag", "load_before", "load_after"}
    m = {k: med([r.get(k) for r in runs]) for k in runs[0] if k not in skip}
    rows = [
        [
            i,
            f"{r['load_before']} → {r['load_after']}",
            f"{r['machine_busy']:.0f} %",
            cpu_split(r),
            f"{r['rps']:.1f}",
            f"{fmt(r['html_p50'])} / {fmt(r['html_p95'])}",
            f"{fmt(r['post_p50'])} / {fmt(r['post_p95'])}",
            f"{fmt(r['trivial_p50'], 1)} / {fmt(r['trivial_p95'], 1)}",
            f"{fmt(r['ratio'], 1)}×",
            r["errors"],
        ]
        for i, r in enumerate(runs, 1)
    ]
    rows.append(
        [
            "**median**",
            "",
            f"{m['machine_busy']:.0f} %",
            cpu_split(m),
            f"{m['rps']:.1f}",
            f"{fmt(m['html_p50'])} / **{fmt(m['html_p95'])}**",
            f"{fmt(m['post_p50'])} / **{fmt(m['post_p95'])}**",
            f"{fmt(m['trivial_p50'], 1)} / {fmt(m['trivial_p95'], 1)}",
            f"**{fmt(m['ratio'], 1)}×**",
            sum(r["errors"] for r in runs),
        ]
    )
    table(
        [
            "Run",
            "Load avg before → after (1/5/15 min)",
            f"Machine CPU busy ({CORES} cores)",
            "CPU in % of one core: web / PostgreSQL / locust / others",
            "req/s",
            "HTML GET p50 / p95 (ms)",
            "POST p50 / p95 (ms)",
            "/healthz/ p50 / p95 (ms)",
            "HTML p95 ÷ trivial p95",
            "Errors (whole run)",
        ],
        "llrrrrrrrr",
        rows,
    )
    say("\nPer route (steady state; median of the runs' p50/p95; counts and errors summed):\n")
    names = sorted({n for r in runs for n in r["routes"]})
    per_route = []
    for name in names:
        rs = [r["routes"][name] for r in runs if name in r["routes"]]
        per_route.append(
            [
                name,
                f"{rs[0]['method']} {rs[0]['kind']}",
                fmt(med([x["p50"] for x in rs])),
                fmt(med([x["p95"] for x in rs])),
                sum(x["count"] for x in rs),
                sum(x["failures"] for x in rs),
            ]
        )
    table(["Route", "Kind", "p50 (ms)", "p95 (ms)", "Requests", "Errors"], "llrrrr", per_route)
    say(
        f"\nSign-in (during ramp-up, not in the HTML/POST figures): p50 "
        f"{fmt(med([r['login_p50'] for r in runs]))} ms, p95 "
        f"{fmt(med([r['login_p95'] for r in runs]))} ms."
    )
    for r in runs:
        for sample in r["error_samples"]:
            say(f"- error ({r['tag']}): {sample}")
    errors = sum(r["errors"] for r in runs)
    say("")
    table(
        ["Goal (item 11)", "Measured (median of runs)", "Result"],
        "lrl",
        [
            [
                f"HTML p95 ≤ {GOALS['html_p95']:.0f} ms",
                f"{fmt(m['html_p95'])} ms",
                verdict(None if m["html_p95"] is None else m["html_p95"] <= GOALS["html_p95"]),
            ],
            [
                f"POST p95 ≤ {GOALS['post_p95']:.0f} ms",
                f"{fmt(m['post_p95'])} ms",
                verdict(None if m["post_p95"] is None else m["post_p95"] <= GOALS["post_p95"]),
            ],
            ["0 errors", errors, verdict(errors == 0)],
            ["p95 ratio to the trivial view (reported)", f"{fmt(m['ratio'], 1)}×", "—"],
        ],
    )
    if pdf:
        say(f"\n### PDF: the final review on the province data set, {today}\n")
        table(
            [
                "Pages",
                "Size",
                "Render (task)",
                "CPU",
                "PostgreSQL CPU",
                "Peak RSS (worker child)",
                "Load avg",
            ],
            "rrrrrrl",
            [
                [
                    pdf["pages"],
                    f"{pdf['kb']:.0f} KiB",
                    f"{pdf['seconds']:.1f} s",
                    f"{pdf['cpu']:.1f} s",
                    f"{pdf['db_cpu']:.1f} s",
                    f"{pdf['peak_mb']:.0f} MB (idle child {pdf['rss_before_mb']:.0f} MB)",
                    f"{pdf['load_before']} → {pdf['load_after']}",
                ]
            ],
        )
        say("")
        table(
            ["Goal (item 13)", "Measured", "Result"],
            "lrl",
            [
                [
                    f"final review ≤ {GOALS['pdf_seconds']:.0f} s",
                    f"{pdf['seconds']:.1f} s",
                    verdict(pdf["seconds"] <= GOALS["pdf_seconds"]),
                ],
                [
                    f"peak ≤ {GOALS['pdf_mb']:.0f} MB",
                    f"{pdf['peak_mb']:.0f} MB",
                    verdict(pdf["peak_mb"] <= GOALS["pdf_mb"]),
                ],
            ],
        )
    if loaded:
        base = m["interactive_p95"]
        say(f"\n### Load while two final reviews render (`-Q reports -c 2`), {today}\n")
        say(
            f"Each run lasts {seconds(RUN_TIME) + RENDER_EXTRA:.0f} s; the two reviews are "
            f"requested {RENDER_AT:.0f} s into its steady state"
            + (
                f", {RENDER_ROUNDS} times in a row (each pair once the previous one is done)"
                if RENDER_ROUNDS > 1
                else ""
            )
            + ". *During*: the steady state's "
            "requests that started while a report was rendering; *outside*: the same run's "
            "other steady-state requests (the paired control: same data, same machine, same "
            "minutes). The goal's verdict is on the paired rise; the rise over the median of "
            f"the {len(runs)} runs without rendering (interactive p95 {fmt(base)} ms) is shown "
            "too, but it mixes in the drift between runs.\n"
        )
        rows = []
        for r in loaded:
            d, c = r["during"], r["control"]
            rise = (
                d["interactive_p95"] / c["interactive_p95"] - 1
                if d["interactive_p95"] and c["interactive_p95"]
                else None
            )
            over_base = (
                d["interactive_p95"] / base - 1
                if d["interactive_p95"] and base and r["variant"] != "host"  # other CPUs, users
                else None
            )
            r["rise"], r["rise_over_baseline"] = rise, over_base
            rows.append(
                [
                    r["label"],
                    f"{r['load_before']} → {r['load_after']}",
                    f"{r['machine_busy']:.0f} % ({cpu_split(r)} / reports {r['reports_cpu']:.0f})",
                    " / ".join(f"{x['seconds']:.0f} s" for x in r["renders"]),
                    f"{r['worker_cpu']:.0f} s",
                    f"{r['peak_mb']:.0f} MB",
                    f"{d['html_n'] + d['post_n']} / {c['html_n'] + c['post_n']}",
                    f"{fmt(d['html_p95'])} / {fmt(d['post_p95'])}",
                    fmt(d["interactive_p95"]),
                    fmt(c["interactive_p95"]),
                    ("—" if rise is None else f"{rise * 100:+.0f} % ")
                    + verdict(None if rise is None else rise <= GOALS["rise"]),
                    "—" if over_base is None else f"{over_base * 100:+.0f} %",
                    r["errors"],
                ]
            )
        table(
            [
                "Report worker",
                "Load avg before → after",
                "Machine CPU busy (web / PostgreSQL / locust / others / reports, % of one core)",
                "Two renders (wall)",
                "Worker CPU",
                "Peak RSS",
                "Requests during / outside",
                "During: HTML / POST p95 (ms)",
                "During: interactive p95 (ms)",
                "Outside, same run (ms)",
                "Rise, paired (goal ≤ +20 %)",
                f"Rise over the runs without rendering ({fmt(base)} ms)",
                "Errors",
            ],
            "llrlrrrrrrlrr",
            rows,
        )
        for r in loaded:
            if r.get("cgroup"):
                say(
                    f"\n{r['label']}: the worker's cgroup held {r['cgroup']}; the quota held "
                    f"the renders back {r['throttled']:.0f} s in all."
                )
    say(f"\nLoad + PDF steps took {(time.monotonic() - started) / 60:.1f} min.")


PROC: dict[str, subprocess.Popen] = {}


def main() -> None:
    started = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)
    say(f"== Load bench: accounts and a council session · load {loadavg()}")
    run_setup()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=ENV,
        check=True,
    )
    redis, redis_url = (None, "")
    runs, loaded, pdf = [], [], None
    try:
        PROC["gunicorn"] = start_gunicorn()
        say(f"   gunicorn {HOST}: {WORKERS} workers × {THREADS} threads (gthread)")
        if PDF:
            redis, redis_url = start_redis()
            django_setup(redis_url)
            pdf = render_alone(redis_url)
        say(f"== Warm-up (not recorded): 10 users, 15 s · load {loadavg()}")
        locust("warmup", 10, "15s", record=False)
        # Runs without rendering alternate with the runs while two reports render, so that a
        # drift in the other tenants' load of the machine falls on both alike.
        variants = VARIANTS if PDF else []
        if "quota" in variants:  # fail before the runs, not after the first one
            say(f"   reports cgroup: {cgroup_line(cpu_cgroup(CPU_QUOTA))}")
        for i in range(1, RUNS + 1):
            run_setup("--reset-votes")
            say(f"== Run {i}/{RUNS}: {USERS} users, {RUN_TIME} · load {loadavg()}")
            r = locust(f"run{i}", USERS, RUN_TIME)
            runs.append(r)
            say(
                f"   HTML p95 {fmt(r['html_p95'])} ms · POST p95 {fmt(r['post_p95'])} ms · "
                f"/healthz/ p95 {fmt(r['trivial_p95'], 1)} ms · {r['rps']:.1f} req/s · "
                f"{r['errors']} errors · load {r['load_after']}"
            )
            if i <= len(variants):
                variant = variants[i - 1]
                say(f"== Load + two final reviews ({variant_label(variant)}) · load {loadavg()}")
                r = load_with_renders(redis_url, variant, i)
                loaded.append(r)
                renders = ", ".join(f"{x['seconds']:.0f} s" for x in r["renders"])
                say(
                    f"   interactive p95 {fmt(r['during']['interactive_p95'])} ms · PDFs "
                    f"{renders} · {r['errors']} errors · load {r['load_after']}"
                )
    finally:
        stop(PROC.get("gunicorn"))
        stop(redis)
    print_report(runs, pdf, loaded, started)
    (OUT / "summary.json").write_text(
        json.dumps(
            {"runs": runs, "pdf": pdf, "loaded": loaded, "date": datetime.date.today().isoformat()},
            default=str,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
