"""A report is rendered exactly once, whatever the deliveries: a redelivered task after a killed
worker re-claims at once (its renderer's row lock is gone), a live renderer is never doubled, a
second request never waits for a render, the finished render is one audit event, and the
broker-down request says so on the page. scripts/worker_kill_drill.py does the same with real
processes (make drills)."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import threading
import time
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from portal.celery import app
from portal.models import AuditEvent
from reports import services
from reports.models import Report, ReportStatus
from reports.tasks import render_report_task, requeue_reports_task
from tests.factories import CAMPAIGN_CODE as CODE

from .test_services import fast_render  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
needs_row_locks = pytest.mark.skipif(
    not connection.features.has_select_for_update_nowait,
    reason="row locks (SELECT … FOR UPDATE NOWAIT) need PostgreSQL",
)


def _new_report(world, users, year=2024) -> Report:
    """A queued report, without sending it (the tests play the worker)."""
    return Report.objects.create(
        campaign=world.campaign, kind="annual", year=year, requested_by=users["secretariat"]
    )


def _ready_events(report: Report):
    return AuditEvent.objects.filter(
        model="reports.report", object_id=str(report.pk), changes__status__1="ready"
    )


def test_routing_and_time_limits_come_from_settings():
    """No per-task `queue` (deprecated since Celery 5, gone in 6.0: CELERY_TASK_ROUTES routes)
    and no per-task time limits: they overrode CELERY_SOFT_TIME_LIMIT / CELERY_TIME_LIMIT, so
    raising the limit for a big province did nothing while the lease (limit + 60 s) grew."""
    for task in (render_report_task, requeue_reports_task):
        assert "queue" not in type(task).__dict__
        route = app.amqp.router.route({}, task.name, args=(1,), kwargs={})
        assert route["queue"].name == "reports"
    probe = (
        "import django; django.setup(); from reports.tasks import render_report_task as t; "
        "from reports.services import lease_seconds; "
        "print(t.soft_time_limit, t.time_limit, lease_seconds())"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "1",
        "CELERY_SOFT_TIME_LIMIT": "840",
        "CELERY_TIME_LIMIT": "900",
    }
    out = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning:celery", "-c", probe],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["840", "900", "960"]


def test_finished_render_is_one_audit_event_naming_the_worker(world, users, fast_render):  # noqa: F811
    report = _new_report(world, users)
    assert services.report_render(report_id=report.pk, worker="reports@host-a") is not None
    assert services.report_render(report_id=report.pk, worker="reports@host-b") is None
    (event,) = _ready_events(report)
    assert "reports@host-a" in event.reason
    assert event.changes == {"status": ["rendering", "ready"]}
    assert fast_render == [report.pk]


def test_a_superseded_claim_writes_nothing(world, users, fast_render, monkeypatch):  # noqa: F811
    """A claim another claim took over from (its attempt number is no longer the row's) neither
    renders nor writes the result."""
    report = _new_report(world, users)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RENDERING, attempts=2)
    monkeypatch.setattr(services, "_claim", lambda report_id: 1)
    assert services.report_render(report_id=report.pk) is None
    report.refresh_from_db()
    assert (report.status, report.attempts, fast_render) == (ReportStatus.RENDERING, 2, [])


@needs_row_locks
def test_redelivered_task_after_a_killed_worker_renders_at_once(world, users, fast_render):  # noqa: F811
    """The worker child was killed mid-render: the row says rendering with a live lease, but
    nobody holds its lock. The redelivered task (acks_late + reject_on_worker_lost) re-claims it
    at once instead of leaving it stuck until the lease ends (the bug: 7 minutes)."""
    report = _new_report(world, users)
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RENDERING,
        attempts=1,
        lease_until=timezone.now() + datetime.timedelta(minutes=7),
    )
    assert services.report_render(report_id=report.pk) is not None
    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.READY, 2)
    assert services.report_render(report_id=report.pk) is None
    assert fast_render == [report.pk]
    assert _ready_events(report).count() == 1


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_a_live_renderer_is_never_doubled_and_never_waited_for(
    world,
    users,
    fast_render,  # noqa: F811
    monkeypatch,
):
    monkeypatch.setattr(services, "LOCK_WAIT_SECONDS", 0.5)
    report = _new_report(world, users)
    # Even with its lease over, a renderer that still holds the row is alive.
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RENDERING,
        attempts=1,
        lease_until=timezone.now() - datetime.timedelta(seconds=1),
    )
    locked, release = threading.Event(), threading.Event()

    def renderer() -> None:  # another worker, mid-render
        try:
            with transaction.atomic():
                Report.objects.select_for_update().get(pk=report.pk)
                locked.set()
                release.wait(15)
        finally:
            connection.close()

    thread = threading.Thread(target=renderer)
    thread.start()
    assert locked.wait(10)
    # No session lock_timeout, as in production: a regression that waits for the row waits
    # until the other worker's render ends (15 s here), and then finds the thread gone.
    try:
        assert services.report_render(report_id=report.pk) is None  # redelivery: busy
        assert thread.is_alive()  # answered while the other worker still renders
        assert services.requeue_stale(older_than=datetime.timedelta(0)) == 0
        again = services.report_request(
            campaign=world.campaign, kind="annual", year=2024, by=users["secretariat"]
        )
        assert again.pk == report.pk
        assert thread.is_alive()
    finally:
        release.set()
        thread.join(10)
    assert fast_render == []
    # The renderer is gone and left the row rendering: the beat job sends it again, once.
    assert services.requeue_stale(older_than=datetime.timedelta(0)) == 1
    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.READY, 2)
    assert services.requeue_stale(older_than=datetime.timedelta(0)) == 0
    assert fast_render == [report.pk]
    assert _ready_events(report).count() == 1


@pytest.mark.django_db(transaction=True)
def test_broker_down_request_page_says_it_is_recorded_and_will_run(
    world,
    users,
    client_as,
    fast_render,  # noqa: F811
    settings,
):
    """With ATOMIC_REQUESTS the send ran after the view had read the row, so the page said
    "đang được tạo" while the broker was down; the request views are not atomic now."""
    from kombu.exceptions import OperationalError as KombuError

    settings.CELERY_TASK_EAGER_PROPAGATES = False
    client = client_as("secretariat")
    with mock.patch.object(render_report_task, "apply_async", side_effect=KombuError("down")):
        response = client.post(
            reverse("reports:report-request", args=[CODE]),
            {"campaign": world.campaign.pk, "kind": "annual", "year": 2024},
        )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == ReportStatus.QUEUED
    shown = [str(m) for m in response.wsgi_request._messages]
    assert shown == [services.QUEUE_DOWN_NOTE]
    page = client.get(response["Location"]).content.decode()
    assert "sẽ được tạo tự động" in page
    assert fast_render == []


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_a_claim_between_commit_and_lock_is_not_taken_over(
    world,
    users,
    fast_render,  # noqa: F811
    monkeypatch,
):
    """A second delivery that finds the row `rendering` but unlocked (the first claimer has
    committed its claim and not yet taken its render lock) waits CLAIM_GRACE_SECONDS and sees
    the lock: it leaves the report alone instead of taking it over (the two-worker drill saw
    attempt 1 "taken over" when both deliveries arrived in the same millisecond)."""
    monkeypatch.setattr(services, "LOCK_WAIT_SECONDS", 0.5)
    report = _new_report(world, users)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RENDERING, attempts=1)
    locked, release = threading.Event(), threading.Event()

    def first_claimer_reaches_its_lock() -> None:
        try:
            with transaction.atomic():
                Report.objects.select_for_update().get(pk=report.pk)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=first_claimer_reaches_its_lock)

    class GraceTime:  # during our grace period the first claimer takes its lock
        monotonic = staticmethod(time.monotonic)

        @staticmethod
        def sleep(seconds: float) -> None:
            thread.start()
            assert locked.wait(10)

    monkeypatch.setattr(services, "time", GraceTime)
    try:
        assert services.report_render(report_id=report.pk) is None
    finally:
        release.set()
        thread.join(10)
    report.refresh_from_db()
    assert (report.status, report.attempts, fast_render) == (ReportStatus.RENDERING, 1, [])


@needs_row_locks
def test_two_deliveries_finding_a_dead_renderer_take_it_over_once(
    world,
    users,
    fast_render,  # noqa: F811
    monkeypatch,
):
    """Both see the dead renderer's row and wait out the grace; the first takes it over
    (attempt 2), so the second, finding attempt 2 instead of the 1 it saw, leaves it (the
    worker drill's two pool children once made attempts 2 and 3 for one render)."""
    report = _new_report(world, users)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RENDERING, attempts=1)

    class OtherClaimsDuringGrace:
        monotonic = staticmethod(time.monotonic)

        @staticmethod
        def sleep(seconds: float) -> None:
            Report.objects.filter(pk=report.pk).update(attempts=2)  # the other one's claim

    monkeypatch.setattr(services, "time", OtherClaimsDuringGrace)
    assert services.report_render(report_id=report.pk) is None
    report.refresh_from_db()
    assert (report.status, report.attempts, fast_render) == (ReportStatus.RENDERING, 2, [])


@pytest.mark.django_db(transaction=True)
def test_a_request_rendered_at_once_says_it_is_ready(
    world,
    users,
    client_as,
    fast_render,  # noqa: F811
):
    """Without a broker (the demo) the PDF is made during the request: the message says it is
    ready rather than "being made". (Real commits: the send runs when the request commits.)"""
    client = client_as("secretariat")
    response = client.post(
        reverse("reports:report-request", args=[CODE]),
        {"campaign": world.campaign.pk, "kind": "annual", "year": 2024},
    )
    assert response.status_code == 302
    assert Report.objects.get().status == ReportStatus.READY
    shown = [str(m) for m in response.wsgi_request._messages]
    assert shown == ["Đã tạo xong văn bản PDF; mời xem và trình ký."]
