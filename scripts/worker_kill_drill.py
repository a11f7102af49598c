#!/usr/bin/env python
"""Reliability drills (issue #8, items 8, 9 and 14) with a real Redis, real Celery workers and
PostgreSQL. Each drill prints one PASS/FAIL line (Vietnamese / English) with the numbers it
checked, and exits 0 (pass) or 1 (fail).

  worker-child : kill -9 the pool child while a final review renders → the same message is
                 delivered again (acks_late + reject_on_worker_lost), re-claims the report and
                 renders it: produced exactly once; requeue afterwards sends nothing
  worker       : kill -9 the whole worker (main process and child) mid-render; the message stays
                 unacknowledged in Redis; requeue_reports sends the orphaned render again; after
                 the (drill-short) visibility timeout a new worker with two children starts, so
                 the redelivered and the requeued message run at once → produced exactly once
  broker-down  : Redis stopped: data entry (NTM results save) works, a report request through
                 the real view is recorded as queued and the page says it will run; Redis back,
                 `manage.py requeue_reports` → rendered once; requeue again → nothing more
  two-workers  : two workers on the "reports" queue; 6 reports, each requested 3 times and sent
                 4 times (request, 2 raw duplicates, requeue) → each rendered exactly once
  worker-restart: kill -9 the whole worker ~1 s into a final review, start a new worker and NO
                 beat (no requeue by hand, the production visibility timeout of 2 h): the new
                 worker puts the dead claim back in the queue as it starts, and the report is
                 ready within RESTART_LIMIT seconds (measured and printed), rendered once
  all          : prepare the drill database, then the five drills above, each in its own process

Processes: its own redis-server per drill (ports 6390–6394, never the shared 6379), its own
`celery -A portal worker -Q reports` processes, all stopped by pid at the end. Database: a
scratch PostgreSQL database, DRILLS_DATABASE_URL or DATABASE_URL with "_drills" appended to the
name (unless it already ends in "_drills"); `--prepare` (and `all`) drops and recreates it (only
a name ending in "_drills"), migrates, loads the demo and a synthetic set (`generate_dataset
--communes 100`, so a final review renders long enough to be killed mid-render). Media:
var/drills/media. Logs: var/drills/logs/. Measured results: docs/deployment.md.

Usage:  DATABASE_URL=postgres://… python scripts/worker_kill_drill.py all
        DATABASE_URL=postgres://… python scripts/worker_kill_drill.py worker-child [--prepare]
        make drill-worker-restart DATABASE_URL=postgres://…   (prepares, then worker-restart)
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DRILL_DIR = ROOT / "var" / "drills"
MEDIA = DRILL_DIR / "media"
LOGS = DRILL_DIR / "logs"
PORTS = {
    "worker-child": 6390,
    "worker": 6391,
    "broker-down": 6392,
    "two-workers": 6393,
    "worker-restart": 6394,
}
MODES = list(PORTS)
COMMUNES = int(os.environ.get("DRILLS_COMMUNES", "100"))  # synthetic communes added by prepare
VISIBILITY = 20  # seconds: the worker drill's broker visibility timeout (production: 2 h)
RENDER_WAIT = 240  # seconds to wait for a render to finish (the machine is shared)
RESTART_LIMIT = 90  # seconds from the kill to ready: worker-restart passes within it
PYTHON = sys.executable
CELERY = str(Path(sys.executable).with_name("celery"))


# --- Environment and database -------------------------------------------------------------------


def drill_database_url() -> str:
    url = os.environ.get("DRILLS_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(
            "FAIL: the drills need PostgreSQL: DATABASE_URL=postgres://user@host:5432/name "
            "(a database named <name>_drills is used)"
        )
    name = parts.path.lstrip("/")
    if not os.environ.get("DRILLS_DATABASE_URL") and not name.endswith("_drills"):
        name += "_drills"
    return urlunsplit(parts._replace(path="/" + name))


def child_env(port: int, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=drill_database_url(),
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
        CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0",
        MEDIA_ROOT=str(MEDIA),
        DEBUG="1",
        AXES_ENABLED="0",
        LOG_LEVEL="INFO",
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    env.pop("TEST_DATABASE_NAME", None)
    env.update(extra)
    return env


def prepare() -> None:
    """Drop and recreate the drill database, migrate, load the demo, empty the media."""
    import shutil

    import psycopg

    url = drill_database_url()
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.endswith("_drills"):
        raise SystemExit(f"FAIL: refusing to recreate database {name!r} (name must end in _drills)")
    started = time.monotonic()
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    shutil.rmtree(DRILL_DIR, ignore_errors=True)
    LOGS.mkdir(parents=True)
    env = child_env(PORTS["worker-child"], REDIS_URL="", CELERY_BROKER_URL="")
    # The demo's final review renders in ~3 s in a warm worker: too quick to be sure of killing
    # it mid-render. A synthetic set (units are shared by every report) makes it ~COMMUNES/10 s.
    bigger = ["generate_dataset", "--communes", str(COMMUNES), "--villages-per-commune", "4"]
    bigger += ["--organisations", "10", "--people", "200", "--seed", "8"]
    for command in (["migrate", "--noinput"], ["load_demo"], bigger):
        subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=600,
        )
    print(
        f"Đã chuẩn bị CSDL diễn tập {name} (migrate, load_demo, generate_dataset --communes "
        f"{COMMUNES}) / drill database ready "
        f"in {time.monotonic() - started:.0f}s"
    )


# --- Processes ----------------------------------------------------------------------------------


class Redis:
    def __init__(self, port: int) -> None:
        self.port = port
        self.proc: subprocess.Popen | None = None

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        if self.ping():
            raise SystemExit(f"FAIL: something already answers on port {self.port}; stop it first")
        self.proc = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            ],
            stdout=subprocess.DEVNULL,
        )
        until(self.ping, 10, f"redis on {self.port}")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def client(self):
        import redis

        return redis.Redis(port=self.port)

    def backlog(self) -> tuple[int, int]:
        """(messages waiting in the reports queue, messages delivered but not acknowledged)."""
        client = self.client()
        return client.llen("reports"), client.hlen("unacked")


class Worker:
    """`celery -A portal worker -Q reports`, in its own process group, log in var/drills/logs."""

    def __init__(self, name: str, port: int, concurrency: int = 1, **env: str) -> None:
        self.name = name
        self.log = LOGS / f"{name}.log"
        self.handle = open(self.log, "ab")  # noqa: SIM115 (closed in stop)
        self.offset = self.log.stat().st_size
        self.proc = subprocess.Popen(
            [
                *(CELERY, "-A", "portal", "worker", "-Q", "reports", "-c", str(concurrency)),
                *(
                    "-n",
                    f"{name}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ),
                *("--loglevel", "INFO"),
            ],
            cwd=ROOT,
            env=child_env(port, **env),
            stdout=self.handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        until(lambda: " ready." in self.text() or self.proc.poll() is not None, 90, name)
        if self.proc.poll() is not None:
            raise SystemExit(f"FAIL: worker {name} exited at start; see {self.log}")

    def text(self) -> str:
        with open(self.log, "rb") as handle:
            handle.seek(self.offset)
            return handle.read().decode(errors="replace")

    def children(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill_all(self) -> list[int]:
        """kill -9 the main process and its children at once (the whole process group)."""
        pids = [self.proc.pid, *self.children()]
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        until(lambda: not any(Path(f"/proc/{p}").exists() for p in pids[1:]), 10, "children")
        return pids

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.handle.close()

    def count(self, pattern: str) -> int:
        return len(re.findall(pattern, self.text()))


def until(check, seconds: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise SystemExit(f"FAIL: timed out after {seconds:.0f}s waiting for {what}")


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def manage(port: int, *args: str) -> str:
    out = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=child_env(port),
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def requeue(port: int) -> int:
    """What beat's `reports-requeue` does, run now: `manage.py requeue_reports --minutes 0`."""
    out = manage(port, "requeue_reports", "--minutes", "0")
    return int(re.search(r"(\d+)", out).group(1))


# --- Django-side checks -------------------------------------------------------------------------


def setup_django(port: int, **extra: str) -> None:
    os.environ.update(child_env(port, **extra))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def row_locked(pk: int) -> bool:
    """Does a live transaction hold the report's row (the renderer, mid-render)?"""
    from django.db import OperationalError, transaction

    from reports.models import Report

    try:
        with transaction.atomic():
            list(Report.objects.select_for_update(nowait=True).filter(pk=pk).values("pk"))
        return False
    except OperationalError:
        return True


def rendered_by_task(worker: Worker, pk: int) -> str | None:
    """The id of the task whose execution logged "report <pk> rendered" (same pool process)."""
    lines = worker.text().splitlines()
    for i, line in enumerate(lines):
        found = re.search(rf"/(ForkPoolWorker-\d+)\] report {pk} rendered", line)
        if found:
            for later in lines[i + 1 :]:
                done = re.search(
                    rf"/{found.group(1)}\] Task reports\.tasks\.render_report\[([^\]]+)\] "
                    "succeeded",
                    later,
                )
                if done:
                    return done.group(1)
    return None


def request_report(kind: str, year: int | None = None):
    from campaigns.models import Campaign
    from portal.models import User
    from reports.services import report_request

    campaign = Campaign.objects.get(code="ducpho-ntm-2021-2025")
    by = User.objects.get(username="thuongtruc")
    return report_request(campaign=campaign, kind=kind, year=year, by=by)


def set_aside_open_reports() -> None:
    """Reports left queued/rendering by an earlier, failed or interrupted drill would be picked
    up by this drill's requeue and blur its counts: mark them failed (scratch database)."""
    from reports.models import OPEN_STATUSES, Report

    left = Report.objects.filter(status__in=OPEN_STATUSES).update(
        status="failed", error="Bỏ dở ở lần diễn tập trước / abandoned by an earlier drill"
    )
    if left:
        print(f"  {left} báo cáo còn dở từ lần trước → failed / left open earlier, set aside")


def wait_status(pk: int, statuses: set[str], seconds: float = RENDER_WAIT) -> str:
    from reports.models import Report

    def check():
        status = Report.objects.filter(pk=pk).values_list("status", flat=True).first()
        return status if status in statuses else None

    return until(check, seconds, f"report {pk} to be {'/'.join(sorted(statuses))}", every=0.2)


def wait_drained(redis: Redis, seconds: float = RENDER_WAIT) -> None:
    until(lambda: redis.backlog() == (0, 0), seconds, "the reports queue to drain", every=0.5)


def mid_render_proof(pk: int, worker: Worker) -> dict:
    """Wait until the report is rendering and its row lock is held (the worker is inside the
    render transaction), let WeasyPrint get going, and prove it is still mid-render."""
    from reports.models import Report

    wait_status(pk, {"rendering"})
    claimed = time.monotonic()
    until(lambda: row_locked(pk), 60, f"the renderer to lock report {pk}")
    (child,) = worker.children()
    time.sleep(1.5)
    before = cpu_ticks(child)
    time.sleep(0.5)
    report = Report.objects.get(pk=pk)
    proof = {
        "status": report.status,
        "attempts": report.attempts,
        "locked": row_locked(pk),
        "child": child,
        "child_cpu_ticks": cpu_ticks(child) - before,
        "file_written": bool(list(MEDIA.glob(f"reports/*/{pk}-*"))),
        "seconds_into_render": round(time.monotonic() - claimed, 1),
    }
    ok = (
        proof["status"] == "rendering"
        and proof["locked"]
        and proof["child_cpu_ticks"] > 0
        and not proof["file_written"]
    )
    if not ok:
        raise SystemExit(f"FAIL: could not catch report {pk} mid-render: {proof}")
    return proof


def produced_once(pk: int) -> tuple[list[str], dict]:
    """The exactly-once checks for one report; returns (problems, numbers)."""
    from portal.models import AuditEvent
    from reports.models import Report

    report = Report.objects.get(pk=pk)
    key = {
        "campaign_id": report.campaign_id,
        "kind": report.kind,
        "year": report.year,
        "object_id": report.object_id,
    }
    files = sorted(MEDIA.glob(f"reports/{report.campaign_id}/{pk}-*"))
    events = AuditEvent.objects.filter(model="reports.report", object_id=str(pk))
    ready = list(events.filter(changes__status__1="ready"))
    numbers = {
        "status": report.status,
        "rows": Report.objects.filter(**key, version=report.version).count(),
        "later_versions": Report.objects.filter(**key, version__gt=report.version).count(),
        "files": len(files),
        "renders": len(ready),
        "created_events": events.filter(action="+").count(),
        "attempts": report.attempts,
        "by": re.sub(r".*lần \d+, ([^,]+),.*", r"\1", ready[0].reason) if ready else "-",
    }
    problems = []
    if report.status != "ready":
        problems.append(f"status {report.status}")
    if numbers["rows"] != 1 or numbers["later_versions"]:
        problems.append(f"{numbers['rows']} rows / {numbers['later_versions']} later versions")
    if numbers["files"] != 1:
        problems.append(f"{numbers['files']} files {[f.name for f in files]}")
    elif hashlib.sha256(files[0].read_bytes()).hexdigest() != report.sha256:
        problems.append("the file on disk is not the one recorded (sha256 differs)")
    if numbers["renders"] != 1:
        problems.append(f"{numbers['renders']} completed renders in the audit log")
    if numbers["created_events"] != 1:
        problems.append(f"{numbers['created_events']} creation events")
    return problems, numbers


def verdict(mode: str, problems: list[str], summary: str) -> int:
    if problems:
        print(f"FAIL {mode}: KHÔNG ĐẠT / failed — {'; '.join(problems)} — {summary}")
        return 1
    print(f"PASS {mode}: ĐẠT / passed — {summary}")
    return 0


# --- The drills ---------------------------------------------------------------------------------


def drill_worker_child(stack: ExitStack) -> int:
    port = PORTS["worker-child"]
    setup_django(port)
    set_aside_open_reports()
    redis = Redis(port)
    redis.start()
    stack.callback(redis.stop)
    worker = Worker("worker-child", port)
    stack.callback(worker.stop)
    report = request_report("final_review")
    proof = mid_render_proof(report.pk, worker)
    os.kill(proof["child"], signal.SIGKILL)
    killed = time.monotonic()
    print(
        f"  kill -9 tiến trình con {proof['child']} (report {report.pk} status=rendering, "
        f"row locked, child CPU +{proof['child_cpu_ticks']} ticks/0.5s, "
        f"{proof['seconds_into_render']}s after the claim, no file yet)"
    )
    wait_status(report.pk, {"ready", "failed"})
    recovered = time.monotonic() - killed
    wait_drained(redis)
    sent = requeue(port)  # beat after the fact: nothing left to send
    time.sleep(2)
    wait_drained(redis)
    problems, n = produced_once(report.pk)
    lost = worker.count(r"exited with 'signal 9 \(SIGKILL\)'")
    ids = re.findall(r"Task reports\.tasks\.render_report\[([^\]]+)\] received", worker.text())
    renderer = rendered_by_task(worker, report.pk)
    if n["attempts"] != 2:
        problems.append(f"attempts={n['attempts']} (expected the killed one and one re-claim)")
    if len(ids) != 2 or len(set(ids)) != 1 or renderer != ids[0]:
        problems.append(
            f"expected the same message delivered twice and rendered by it: {ids} → {renderer}"
        )
    if sent != 0:
        problems.append(f"requeue after the render sent {sent}")
    if not worker.alive() or len(worker.children()) != 1:
        problems.append("the worker did not replace its child")
    return verdict(
        "worker-child",
        problems,
        f"report {report.pk}: rows={n['rows']} files={n['files']} renders={n['renders']} "
        f"attempts={n['attempts']}; worker_lost={lost}, message {ids[0][:8] if ids else '-'} "
        f"delivered {len(ids)}x and the redelivery rendered it {recovered:.1f}s after the kill; "
        f"requeue afterwards sent {sent}",
    )


def drill_worker(stack: ExitStack) -> int:
    port = PORTS["worker"]
    short = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY)}
    setup_django(port, **short)
    set_aside_open_reports()
    redis = Redis(port)
    redis.start()
    stack.callback(redis.stop)
    first = Worker("worker-a", port, **short)
    stack.callback(first.stop)
    report = request_report("final_review")
    proof = mid_render_proof(report.pk, first)
    pids = first.kill_all()
    print(
        f"  kill -9 cả worker {pids} (report {report.pk} status=rendering, row locked, child "
        f"CPU +{proof['child_cpu_ticks']} ticks/0.5s, {proof['seconds_into_render']}s after the "
        "claim, no file yet)"
    )
    waiting, unacked = redis.backlog()
    status_after_kill = wait_status(report.pk, {"rendering", "ready", "queued"}, 5)
    orphan = not row_locked(report.pk)
    print(
        f"  sau khi kill / after the kill: queue={waiting} unacked={unacked} "
        f"status={status_after_kill} row lock released={orphan}"
    )
    # Beat's requeue (run now, while no worker is up) sends the orphaned render again; once the
    # old message is past the (drill) visibility timeout, a new worker with two children starts:
    # Redis redelivers the old message and the requeued one is waiting, so both run at once.
    sent = requeue(port)
    delivered_at = max(
        score for _, score in redis.client().zrange("unacked_index", 0, -1, withscores=True)
    )
    time.sleep(max(0.0, delivered_at + VISIBILITY + 1 - time.time()))
    second = Worker("worker-b", port, concurrency=2, **short)
    stack.callback(second.stop)
    started = time.monotonic()
    wait_status(report.pk, {"ready", "failed"})
    recovered = time.monotonic() - started
    wait_drained(redis, VISIBILITY + 200)
    time.sleep(2)
    problems, n = produced_once(report.pk)
    received = second.count(r"Task reports\.tasks\.render_report\[[^\]]+\] received")
    rendered = second.count(rf"report {report.pk} rendered")
    idle = second.count(rf"report {report.pk}: (nothing to do|another worker|claimed by|attempt)")
    if unacked != 1 or status_after_kill != "rendering" or not orphan:
        problems.append(
            f"after the kill expected 1 unacked message, rendering, lock released; got "
            f"unacked={unacked} status={status_after_kill} released={orphan}"
        )
    if received < 2:
        problems.append(f"only {received} deliveries to the new worker (redelivery + requeue)")
    if n["attempts"] < 2:
        problems.append(f"attempts={n['attempts']}: the killed attempt was not re-claimed")
    return verdict(
        "worker",
        problems,
        f"report {report.pk}: rows={n['rows']} files={n['files']} renders={n['renders']} "
        f"attempts={n['attempts']}; new worker got {received} deliveries (redelivered after "
        f"visibility_timeout={VISIBILITY}s + requeue_sent={sent}): rendered {rendered}, "
        f"no-op {idle}; ready {recovered:.1f}s after the new worker started",
    )


def drill_broker_down(stack: ExitStack) -> int:
    from django.test import Client

    port = PORTS["broker-down"]
    setup_django(port)
    set_aside_open_reports()
    from campaigns.models import Campaign, NtmStatus
    from portal.models import User
    from reports.models import Report
    from reports.services import QUEUE_DOWN_NOTE
    from units.models import Unit

    redis = Redis(port)
    redis.start()
    stack.callback(redis.stop)
    worker = Worker("broker-down", port)
    stack.callback(worker.stop)
    problems: list[str] = []
    web = Client()
    health_up = web.get("/healthz/").json()
    redis.kill()
    health_down = web.get("/healthz/")
    print(
        f"  Redis đã dừng / stopped; /healthz/ {health_up['broker']} → "
        f"{health_down.json()['broker']} (HTTP {health_down.status_code})"
    )
    if health_down.json().get("broker") != "error":
        problems.append(f"healthz says broker {health_down.json().get('broker')}")

    # Data entry: the commune officer saves its NTM results for 2025.
    officer = Client()
    officer.force_login(
        User.objects.get(username="canbo.phoan"), "django.contrib.auth.backends.ModelBackend"
    )
    commune = Unit.objects.get(name="Xã Phổ An")
    status = NtmStatus.objects.get(unit=commune, year=2025)
    note = f"Diễn tập mất hàng đợi {time.strftime('%H:%M:%S')}"
    url = f"/phong-trao/ket-qua/ntm/{commune.pk}/2025/"
    # The form's edit guard: the `seen` token of the page the officer opened.
    seen = re.search(r'name="seen" value="([^"]*)"', officer.get(url).content.decode())
    started = time.monotonic()
    response = officer.post(
        url,
        {
            "seen": seen.group(1) if seen else "",
            "level": status.level,
            "criteria_met": [str(c.number) for c in status.criteria_met.all()],
            "recognition_decision": status.recognition_decision,
            "recognition_date": status.recognition_date.isoformat()
            if status.recognition_date
            else "",
            "note": note,
        },
    )
    entry_seconds = time.monotonic() - started
    status.refresh_from_db()
    if response.status_code != 302 or status.note != note:
        problems.append(
            f"NTM save answered {response.status_code}, note saved={status.note == note}"
        )

    # The secretariat asks for the final review through the real view.
    secretariat = Client()
    secretariat.force_login(
        User.objects.get(username="thuongtruc"), "django.contrib.auth.backends.ModelBackend"
    )
    campaign = Campaign.objects.get(code="ducpho-ntm-2021-2025")
    before = Report.objects.count()
    started = time.monotonic()
    response = secretariat.post(
        f"/phong-trao/{campaign.code}/bao-cao/yeu-cau/",
        {"campaign": campaign.pk, "kind": "final_review", "year": ""},
    )
    request_seconds = time.monotonic() - started
    flashed = [str(m) for m in response.wsgi_request._messages]
    report = Report.objects.order_by("-pk").first()
    page = (
        secretariat.get(response["Location"]).content.decode()
        if response.status_code == 302
        else ""
    )
    print(
        f"  lưu kết quả NTM / NTM save: HTTP 302 in {entry_seconds:.1f}s; yêu cầu báo cáo / "
        f"report request: HTTP {response.status_code} in {request_seconds:.1f}s, "
        f"message: {flashed}"
    )
    if Report.objects.count() != before + 1 or report.status != "queued":
        problems.append(f"request not recorded as queued ({report.status if report else None})")
    if flashed != [QUEUE_DOWN_NOTE] or "sẽ được tạo tự động" not in page:
        problems.append(f"the pages do not say it will run: {flashed}")

    # Redis back: the worker reconnects; beat's requeue sends the queued report, once.
    time.sleep(2)
    redis.start()
    sent = requeue(port)
    started = time.monotonic()
    wait_status(report.pk, {"ready", "failed"})
    rendered_after = time.monotonic() - started
    wait_drained(redis)
    sent_again = requeue(port)
    time.sleep(5)
    wait_drained(redis)
    found, n = produced_once(report.pk)
    problems += found
    if sent != 1 or sent_again != 0:
        problems.append(f"requeue sent {sent} then {sent_again} (expected 1 then 0)")
    if n["attempts"] != 1:
        problems.append(f"attempts={n['attempts']} (expected one render attempt)")
    return verdict(
        "broker-down",
        problems,
        f"data entry OK ({entry_seconds:.1f}s), report {report.pk} recorded as queued with the "
        f"note ({request_seconds:.1f}s); Redis back: requeue sent {sent}, ready "
        f"{rendered_after:.1f}s later, requeue again sent {sent_again}; rows={n['rows']} "
        f"files={n['files']} renders={n['renders']} attempts={n['attempts']}",
    )


def drill_two_workers(stack: ExitStack) -> int:
    port = PORTS["two-workers"]
    setup_django(port)
    set_aside_open_reports()
    from reports.services import requeue_stale
    from reports.tasks import render_report_task

    redis = Redis(port)
    redis.start()
    stack.callback(redis.stop)
    workers = [Worker("two-1", port), Worker("two-2", port)]
    for worker in workers:
        stack.callback(worker.stop)
    wanted = [("annual", y) for y in (2021, 2022, 2023, 2024, 2025)]
    wanted.append(("preliminary_review", 2023))
    problems: list[str] = []
    started = time.monotonic()
    reports = []
    for kind, year in wanted:
        report = request_report(kind, year)  # sends the job after commit
        reports.append(report)
        # Duplicates right behind it in the queue, so the other worker takes one while the
        # first renders: a redelivery-like copy, and the same request twice more (same
        # idempotency key → same report, no new job).
        render_report_task.delay(report.pk)
        for _ in range(2):
            again = request_report(kind, year)
            if again.pk != report.pk:
                problems.append(f"{kind} {year}: a second request made report {again.pk}")
        render_report_task.delay(report.pk)
    import datetime

    resent = requeue_stale(older_than=datetime.timedelta(0))  # beat: the queued ones again
    for report in reports:
        wait_status(report.pk, {"ready", "failed"})
    elapsed = time.monotonic() - started
    wait_drained(redis)
    time.sleep(2)
    received = sum(
        w.count(r"Task reports\.tasks\.render_report\[[^\]]+\] received") for w in workers
    )
    print(f"  {'báo cáo / report':<28} {'worker':<12} renders files attempts")
    per_worker: dict[str, int] = {}
    for (kind, year), report in zip(wanted, reports, strict=True):
        found, n = produced_once(report.pk)
        problems += [f"report {report.pk}: {p}" for p in found]
        name = n["by"].split("@")[0]
        per_worker[name] = per_worker.get(name, 0) + 1
        label = f"{kind} {year}"
        print(
            f"  {report.pk:>4} {label:<23} {n['by']:<12} {n['renders']:>7} "
            f"{n['files']:>5} {n['attempts']:>8}"
        )
    total_renders = sum(w.count(r"report \d+ rendered \(attempt") for w in workers)
    busy = sum(w.count(r"report \d+: another worker is rendering it") for w in workers)
    waits = [
        float(x)
        for w in workers
        for x in re.findall(r"report \d+: nothing to do \(not queued; waited ([\d.]+)s", w.text())
    ]
    waited = sum(1 for x in waits if x >= 0.5)
    taken = sum(
        w.count(r"report \d+: (attempt \d+ taken over|claimed by another worker)") for w in workers
    )
    if total_renders != len(reports):
        problems.append(f"{total_renders} renders in the worker logs for {len(reports)} reports")
    return verdict(
        "two-workers",
        problems,
        f"{len(reports)} reports, 18 requests, {received} deliveries (incl. {resent} requeued) → "
        f"{total_renders} renders, one file each; the other {received - total_renders} "
        f"deliveries did nothing ({len(waits)} found it done, {waited} of them after waiting "
        f"for the other worker's render lock; {busy} gave up on the lock; {taken} lost a "
        "claim race); "
        f"by worker {per_worker}; {elapsed:.0f}s",
    )


def drill_worker_restart(stack: ExitStack) -> int:
    """The reported incident: kill -9 of the whole worker about one second into a final review,
    a new worker started, no beat. Redis keeps the killed worker's message for its visibility
    timeout (the production 2 h here, not shortened) and nobody runs requeue_reports: only the
    new worker's requeue at start (reports.tasks.requeue_at_start) can bring the report back."""
    port = PORTS["worker-restart"]
    setup_django(port)
    from django.conf import settings

    from portal.models import AuditEvent
    from reports.models import Report
    from reports.services import RETRY_AT_START

    visibility = settings.BROKER_VISIBILITY_TIMEOUT

    set_aside_open_reports()
    redis = Redis(port)
    redis.start()
    stack.callback(redis.stop)
    first = Worker("restart-a", port)
    stack.callback(first.stop)
    report = request_report("final_review")
    wait_status(report.pk, {"rendering"})
    until(lambda: row_locked(report.pk), 60, f"the renderer to lock report {report.pk}")
    locked_at = time.monotonic()
    time.sleep(1.0)
    into = time.monotonic() - locked_at
    if not row_locked(report.pk) or list(MEDIA.glob(f"reports/*/{report.pk}-*")):
        raise SystemExit(f"FAIL: report {report.pk} was not mid-render 1 s in (render too quick?)")
    pids = first.kill_all()
    killed, killed_wall = time.monotonic(), time.time()
    waiting, unacked = redis.backlog()
    status_after_kill = Report.objects.get(pk=report.pk).status
    released = not row_locked(report.pk)
    print(
        f"  kill -9 cả worker {pids} {into:.1f}s sau khi bắt đầu tạo / {into:.1f}s into the "
        f"render; report {report.pk} status={status_after_kill}, queue={waiting} "
        f"unacked={unacked} (Redis gives it back only after "
        f"{visibility}s), row lock released={released}"
    )
    started = time.monotonic()
    second = Worker("restart-b", port)  # returns once the worker logs " ready."
    stack.callback(second.stop)
    up = time.monotonic() - started
    wait_status(report.pk, {"ready", "failed"}, RENDER_WAIT)
    after_kill = time.monotonic() - killed
    after_start = time.monotonic() - started
    time.sleep(2)
    problems, n = produced_once(report.pk)
    report.refresh_from_db()
    render_seconds = (report.finished_at - report.started_at).total_seconds()
    reclaimed = report.started_at.timestamp() - killed_wall  # the new attempt's claim
    requeued = AuditEvent.objects.filter(
        model="reports.report", object_id=str(report.pk), reason=RETRY_AT_START
    ).count()
    said = re.search(r"requeue at worker start sent (\d+)", second.text())
    if status_after_kill != "rendering" or unacked != 1 or not released:
        problems.append(
            f"after the kill expected rendering, 1 unacked message, lock released; got "
            f"{status_after_kill}, unacked={unacked}, released={released}"
        )
    if requeued != 1 or not said or said.group(1) != "1":
        problems.append(
            f"the new worker's requeue at start: {requeued} audit events, log "
            f"{said.group(0) if said else 'silent'}"
        )
    if n["attempts"] != 2:
        problems.append(f"attempts={n['attempts']} (expected the killed one and one re-claim)")
    if after_kill > RESTART_LIMIT:
        problems.append(f"ready {after_kill:.1f}s after the kill (limit {RESTART_LIMIT}s)")
    return verdict(
        "worker-restart",
        problems,
        f"report {report.pk} claimed again {reclaimed:.1f}s and ready {after_kill:.1f}s after "
        f"the kill, {after_start:.1f}s after the new worker was started (worker up in "
        f"{up:.1f}s, the render itself {render_seconds:.1f}s); no beat, no requeue by hand, "
        f"visibility timeout {visibility}s; rows={n['rows']} "
        f"files={n['files']} renders={n['renders']} attempts={n['attempts']}",
    )


DRILLS = {
    "worker-child": drill_worker_child,
    "worker": drill_worker,
    "broker-down": drill_broker_down,
    "two-workers": drill_two_workers,
    "worker-restart": drill_worker_restart,
}


def run_one(mode: str, timeout: int) -> int:
    """One drill in its own process; past `timeout`, SIGTERM lets it stop its workers and Redis."""
    proc = subprocess.Popen([PYTHON, __file__, mode], cwd=ROOT)
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        print(f"FAIL {mode}: KHÔNG ĐẠT / failed — over {timeout}s")
        return 1
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def run_all(timeout: int) -> int:
    prepare()
    results = {}
    started = time.monotonic()
    for mode in MODES:
        results[mode] = run_one(mode, timeout)
    passed = sum(1 for code in results.values() if code == 0)
    print(
        f"{'PASS' if passed == len(MODES) else 'FAIL'} drills: {passed}/{len(MODES)} đạt / "
        f"passed in {time.monotonic() - started:.0f}s ({results})"
    )
    return 0 if passed == len(MODES) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=[*MODES, "all"])
    parser.add_argument("--prepare", action="store_true", help="recreate the drill database")
    parser.add_argument("--timeout", type=int, default=420, help="seconds per drill (all)")
    args = parser.parse_args()
    # `timeout`/make/the `all` runner stop a drill with SIGTERM: unwind, so that the workers
    # and redis-server it started are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("FAIL: stopped (SIGTERM)"))
    LOGS.mkdir(parents=True, exist_ok=True)
    if args.mode == "all":
        return run_all(args.timeout)
    if args.prepare:
        prepare()
    with ExitStack() as stack:
        try:
            return DRILLS[args.mode](stack)
        except SystemExit as exc:
            if isinstance(exc.code, str):
                print(exc.code.replace("FAIL:", f"FAIL {args.mode}: KHÔNG ĐẠT / failed —", 1))
                return 1
            raise


if __name__ == "__main__":
    sys.exit(main())
