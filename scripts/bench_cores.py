"""Are two cores of this machine independent? (issue #8 item 13; `make bench-cores`, ~5 min)

The load bench's `host` variant stands in for a reports host of its own by giving the report
worker one CPU and the web + PostgreSQL the other. That stand-in is only as good as the CPUs are
independent. This measures it without any queueing in between: a probe process on
CORES_WEB_CPU (0) repeatedly renders the self-assessment page (Django's test client, in
process, as a bench officer; PostgreSQL pinned to the same CPU meanwhile) and times a fixed pure
Python loop, for CORES_SECONDS (40) each time, in three conditions:

* alone;
* beside two busy loops (`while True: pass`) on CORES_OTHER_CPU (1): only the CPU is shared —
  the hypervisor's scheduling and the clock, not memory;
* beside two final reviews rendering in a loop on CORES_OTHER_CPU (1) (`nice -n 19`, the real
  `reports.rendering.render_report`): CPU *and* memory traffic (caches, memory bandwidth, the
  kernel's memory management).

CORES_ROUNDS (2) rounds, alternating. Prints a Markdown table: median and p95 in ms, and the
rise over "alone" of the same round. Needs the bench data set with its load accounts
(`make bench-load` once, or scripts/bench_data.sh + scripts/bench_load_setup.py) and a final
review of it (made by the load bench's PDF step); DATABASE_URL as the load bench.

    python scripts/bench_cores.py            # the table
    python scripts/bench_cores.py probe 40   # one probe (used by the above)
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB_CPU = os.environ.get("CORES_WEB_CPU", "0")
OTHER_CPU = os.environ.get("CORES_OTHER_CPU", "1")
SECONDS = float(os.environ.get("CORES_SECONDS", "40"))
ROUNDS = int(os.environ.get("CORES_ROUNDS", "2"))
sys.path.insert(0, str(ROOT / "scripts"))
import bench_load  # noqa: E402  (the load bench's helpers and its production-like settings)

ENV = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/wt_bench_200",
    # DEBUG is off; the probe serves nothing, a throwaway key will do when none is set.
    "SECRET_KEY": f"bench-cores-{os.getpid()}-{time.time_ns()}-not-a-deployment-key",
    **bench_load.ENV,
    "ALLOWED_HOSTS": "testserver",  # Django's test client
    "LOG_LEVEL": "ERROR",
}


def django_setup() -> None:
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def busy_loop() -> None:
    while True:
        pass


def render_loop() -> None:
    django_setup()
    from reports.models import Report, ReportStatus
    from reports.rendering import render_report

    report = (
        Report.objects.filter(
            kind="final_review", status__in=[ReportStatus.READY, ReportStatus.SUPERSEDED]
        )
        .order_by("-pk")
        .first()
    )
    if report is None:
        raise SystemExit("No final review of the bench data set: run `make bench-load` once.")
    while True:
        render_report(report)


def python_work_ms() -> float:
    started, total = time.perf_counter(), 0
    for i in range(2_000_000):
        total += i * i % 7
    return (time.perf_counter() - started) * 1000


def probe(seconds: float) -> None:
    """Prints {"page": [ms…], "loop": [ms…]} as JSON."""
    django_setup()
    from django.test import Client

    from portal.models import User

    accounts = json.loads((ROOT / "var" / "bench" / "load_accounts.json").read_text())
    officer = accounts["officers"][0]
    client = Client()
    client.force_login(User.objects.get(username=officer["username"]))
    url = f"/phong-trao/tu-danh-gia/{officer['assessment']}/"
    if client.get(url).status_code != 200:
        raise SystemExit(f"{url} did not answer 200")
    page, loop = [], []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        client.get(url)
        page.append((time.perf_counter() - started) * 1000)
        loop.append(python_work_ms())
    print(json.dumps({"page": page, "loop": loop}))


def spawn(role: str) -> subprocess.Popen:
    return subprocess.Popen(
        ["taskset", "-c", OTHER_CPU, "nice", "-n", "19", sys.executable, __file__, role],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def measure() -> dict[str, list[float]]:
    out = subprocess.run(
        ["taskset", "-c", WEB_CPU, sys.executable, __file__, "probe", str(SECONDS)],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    conditions = {
        "alone": None,
        f"two busy loops on CPU {OTHER_CPU}": "busy",
        f"two final reviews rendering on CPU {OTHER_CPU}": "render",
    }
    rows = []
    with bench_load.pinned(bench_load.postgres_pids(), bench_load.cpu_list(WEB_CPU)):
        for round_ in range(1, ROUNDS + 1):
            alone = None
            for label, role in conditions.items():
                others = [spawn(role), spawn(role)] if role else []
                try:
                    time.sleep(8 if role == "render" else 1)  # the renders get going
                    figures = measure()
                finally:
                    for proc in others:
                        proc.kill()
                        proc.wait()
                stats = {
                    kind: (statistics.median(ms), bench_load.pct(ms, 0.95), len(ms))
                    for kind, ms in figures.items()
                }
                alone = alone or stats

                def rise(kind: str, i: int, stats=stats, alone=alone) -> str:
                    return f"{(stats[kind][i] / alone[kind][i] - 1) * 100:+.0f} %"

                rows.append(
                    [
                        round_,
                        label,
                        stats["page"][2],
                        f"{stats['page'][0]:.1f} / {stats['page'][1]:.1f}",
                        f"{rise('page', 0)} / {rise('page', 1)}",
                        f"{stats['loop'][0]:.1f} / {stats['loop'][1]:.1f}",
                        f"{rise('loop', 0)} / {rise('loop', 1)}",
                    ]
                )
                print(f"   round {round_}, {label}: {rows[-1][3]} ms page", flush=True)
    print(
        f"\n### Cross-core interference, CPU {WEB_CPU} probed ({os.cpu_count()} CPUs, "
        f"{SECONDS:.0f} s each)\n"
    )
    print(
        "| Round | On the other CPU | Samples | Self-assessment page median / p95 (ms) | Rise "
        "| Python loop median / p95 (ms) | Rise |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(str(x) for x in row) + " |")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        {
            "busy": busy_loop,
            "render": render_loop,
            "probe": lambda: probe(float(sys.argv[2])),
        }[sys.argv[1]]()
    else:
        main()
