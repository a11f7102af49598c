#!/usr/bin/env python
"""Reliability drills 8–9 against the reports app (skeleton; runs once reports is integrated).

  worker-child : kill -9 the pool child while a final review renders → produced exactly once
  worker       : kill -9 the whole worker, start a new one → produced exactly once
  broker-down  : stop the (private) Redis, request a report → recorded as queued; start Redis,
                 run `requeue_reports` → rendered once

Uses its own redis-server on port 6390 (never the shared one) and PostgreSQL from DATABASE_URL
(demo loaded). Exit 0 pass, 1 fail, 77 skipped (reports app not integrated yet).
Usage: DATABASE_URL=postgres://… python scripts/worker_kill_drill.py worker-child|worker|broker-down
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 6390
os.environ["REDIS_URL"] = os.environ["CELERY_BROKER_URL"] = f"redis://127.0.0.1:{PORT}/0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
sys.path.insert(0, str(ROOT))


def start_redis() -> subprocess.Popen:
    proc = subprocess.Popen(
        ["redis-server", "--port", str(PORT), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return proc


def start_worker() -> subprocess.Popen:
    celery = Path(sys.executable).with_name("celery")
    return subprocess.Popen(
        [
            str(celery),
            "-A",
            "portal",
            "worker",
            "-Q",
            "reports",
            "-c",
            "1",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        start_new_session=True,
    )


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(p) for p in out.stdout.split()]


def wait_for(report, statuses: set[str], seconds: float = 300) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in statuses:
            return report.status
        time.sleep(0.2)
    raise SystemExit(f"FAIL: report {report.pk} stuck in {report.status}")


def main(mode: str) -> int:
    import django

    django.setup()
    try:
        from reports.models import Report
        from reports.services import report_request
    except ImportError:
        print("SKIP: the reports app (report_request, Report) is not integrated in this tree.")
        return 77
    from campaigns.models import Campaign
    from portal.models import AuditEvent, User

    campaign = Campaign.objects.order_by("pk").first()
    by = User.objects.filter(role_grants__role="secretariat").first()
    redis = start_redis()
    worker = None if mode == "broker-down" else start_worker()
    try:
        if mode == "broker-down":
            redis.send_signal(signal.SIGKILL)
            redis.wait()
        report = report_request(campaign=campaign, kind="final_review", year=None, by=by)
        if mode == "broker-down":
            assert Report.objects.get(pk=report.pk).status == "queued", "not recorded as queued"
            redis = start_redis()
            worker = start_worker()
            subprocess.run(
                [sys.executable, "manage.py", "requeue_reports", "--minutes", "0"],
                cwd=ROOT,
                check=True,
            )
        else:
            wait_for(report, {"rendering"})
            victim = children(worker.pid)[0] if mode == "worker-child" else worker.pid
            os.kill(victim, signal.SIGKILL)
            if mode == "worker":
                worker.wait()
                worker = start_worker()
        started = time.monotonic()
        wait_for(report, {"ready"})
        key = {"campaign": campaign, "kind": "final_review", "year": report.year, "object_id": 0}
        same = Report.objects.filter(**key, version=report.version)
        assert same.count() == 1, "more than one row for the request"
        assert report.file, "no file"
        assert Path(report.file.path).exists(), "file missing on disk"
        done = AuditEvent.objects.filter(
            model="reports.report", object_id=str(report.pk), changes__status__1="ready"
        )
        assert done.count() == 1, f"{done.count()} transitions to ready"
        print(
            f"PASS {mode}: report {report.pk} ready once, attempts={report.attempts}, "
            f"{time.monotonic() - started:.1f}s after the fault"
        )
        return 0
    finally:
        if worker and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
        if redis.poll() is None:
            redis.terminate()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "worker-child"))
