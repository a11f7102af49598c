"""A crashed worker never strands a report (issue 16, item 12): a worker that starts puts the
renders of dead workers back in the queue at once, a report whose renderer is gone offers
"Tạo lại" and asking for it again sends it again, and the previous ready version stays the
current one (downloadable) until the new one is ready. scripts/worker_kill_drill.py
`worker-restart` does the same with real processes (kill -9, a new worker, no beat).

A dead renderer: the row says `rendering` but nobody holds it (PostgreSQL: no row lock; without
row locks: the lease is over). A live one: another connection holds the row lock (PostgreSQL),
or the lease still runs."""

from __future__ import annotations

import datetime
import threading
from contextlib import contextmanager
from unittest import mock

import pytest
from celery.signals import worker_ready
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent
from reports import rendering, services
from reports.models import Report, ReportStatus

from .conftest import FULL_NARRATIVE as FULL
from .test_services import _request, fast_render, no_send  # noqa: F401 (fixtures)

ROW_LOCKS = connection.features.has_select_for_update_nowait


def _claimed_by_a_dead_worker(report: Report) -> Report:
    """Claimed 10 s ago by a worker that has since been killed (no lock held, lease over)."""
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RENDERING,
        attempts=1,
        started_at=now - datetime.timedelta(seconds=10),
        lease_until=now - datetime.timedelta(seconds=1),
    )
    report.refresh_from_db()
    return report


@contextmanager
def _live_renderer(report: Report):
    """A live worker renders `report`: its claim, its lease running and (PostgreSQL) its row
    lock held by another connection for the duration of the block."""
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RENDERING,
        attempts=1,
        started_at=now - datetime.timedelta(seconds=10),
        lease_until=now + datetime.timedelta(minutes=5),
    )
    if not ROW_LOCKS:
        yield
        return
    locked, release = threading.Event(), threading.Event()

    def renderer() -> None:
        from django.db import connection as own

        try:
            with transaction.atomic():
                Report.objects.select_for_update().get(pk=report.pk)
                locked.set()
                release.wait(30)
        finally:
            own.close()

    thread = threading.Thread(target=renderer)
    thread.start()
    assert locked.wait(10)
    try:
        yield
    finally:
        release.set()
        thread.join(10)


def _queued(world, users, year: int) -> Report:
    return Report.objects.create(
        campaign=world.campaign, kind="annual", year=year, requested_by=users["secretariat"]
    )


def _events(report: Report, reason: str):
    return AuditEvent.objects.filter(
        model="reports.report", object_id=str(report.pk), reason=reason
    )


# --- (a) A worker that starts ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_requeues_a_dead_claim_and_leaves_a_live_one(world, users, fast_render):  # noqa: F811
    dead = _claimed_by_a_dead_worker(_queued(world, users, 2023))
    live = _queued(world, users, 2024)
    with _live_renderer(live):
        # What Celery sends once a worker consumes; the handler is reports.tasks.requeue_at_start.
        worker_ready.send(sender=None)
        live.refresh_from_db()
        assert (live.status, live.attempts) == (ReportStatus.RENDERING, 1)
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == (ReportStatus.READY, 2)
    assert fast_render == [dead.pk]  # rendered once, the live one not at all
    assert _events(dead, services.RETRY_AT_START).get().changes["status"] == [
        "rendering",
        "queued",
    ]
    assert not _events(live, services.RETRY_AT_START).exists()


@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_sends_queued_reports_again(world, users, fast_render):  # noqa: F811
    """A killed worker may have held queued reports' messages (Redis gives them back after the
    2 h visibility timeout): a starting worker sends them again; the claim runs each once."""
    report = _queued(world, users, 2024)
    assert services.requeue_at_start() == 1
    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.READY, 1)
    assert services.requeue_at_start() == 0
    assert fast_render == [report.pk]


def test_a_failing_database_does_not_stop_the_worker_from_starting(monkeypatch, caplog):
    from reports import tasks

    def down():
        raise services.OperationalError("database down")

    monkeypatch.setattr(services, "requeue_at_start", down)
    tasks.requeue_at_start(sender=None)  # logs, does not raise
    assert "requeue at worker start failed" in caplog.text


# --- (b) "Tạo lại" and asking again --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_retry_is_offered_only_for_a_stale_claim_and_to_who_may_request(
    world,
    users,
    client_as,
    fast_render,  # noqa: F811
):
    dead = _claimed_by_a_dead_worker(_queued(world, users, 2023))
    live = _queued(world, users, 2024)
    secretariat, chairman = client_as("secretariat"), client_as("chairman")
    page = secretariat.get(dead.get_absolute_url()).content.decode()
    assert 'data-testid="retry-button"' in page
    assert "Tiến trình tạo tệp đã dừng giữa chừng" in page
    polled = secretariat.get(reverse("reports:report-row", args=[dead.pk])).content.decode()
    assert 'data-testid="retry-button"' in polled  # appears on an open page without a reload
    assert (
        'data-testid="retry-button"' not in chairman.get(dead.get_absolute_url()).content.decode()
    )
    with _live_renderer(live):
        page = secretariat.get(live.get_absolute_url()).content.decode()
        polled = secretariat.get(reverse("reports:report-row", args=[live.pk])).content.decode()
    assert "Đang tạo tệp" in page
    assert 'data-testid="retry-button"' not in page
    assert 'data-testid="retry-button"' not in polled
    assert fast_render == []


@pytest.mark.django_db(transaction=True)
def test_retry_post_requeues_a_stale_claim_and_renders_it(world, users, client_as, fast_render):  # noqa: F811
    report = _claimed_by_a_dead_worker(_queued(world, users, 2024))
    response = client_as("secretariat").post(reverse("reports:report-retry", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.READY, 2)
    event = _events(report, services.RETRY_BY_BUTTON).get()
    assert event.actor_id == users["secretariat"].pk
    assert fast_render == [report.pk]


@pytest.mark.django_db(transaction=True)
def test_retry_of_a_live_render_is_refused_and_renders_nothing(
    world,
    users,
    client_as,
    fast_render,  # noqa: F811
):
    report = _queued(world, users, 2024)
    client = client_as("secretariat")
    with _live_renderer(report):
        response = client.post(reverse("reports:report-retry", args=[report.pk]))
        report.refresh_from_db()
        assert (report.status, report.attempts) == (ReportStatus.RENDERING, 1)
    shown = [str(m) for m in response.wsgi_request._messages]
    assert len(shown) == 1
    assert "không cần tạo lại" in shown[0]
    assert fast_render == []


def test_retry_needs_the_request_capability(world, users, no_send):  # noqa: F811
    report = _claimed_by_a_dead_worker(_queued(world, users, 2024))
    with pytest.raises(PermissionDenied):
        services.report_retry(report=report, by=users["chairman"])
    report.refresh_from_db()
    assert report.status == ReportStatus.RENDERING


def test_retry_of_a_finished_report_is_refused(world, users, fast_render):  # noqa: F811
    report = _request(world, users)
    with pytest.raises(ValidationError):
        services.report_retry(report=report, by=users["secretariat"])
    report.refresh_from_db()
    assert (report.status, fast_render) == (ReportStatus.READY, [report.pk])


def test_asking_again_for_a_stranded_report_sends_it_again(world, users, fast_render):  # noqa: F811
    stuck = _claimed_by_a_dead_worker(_queued(world, users, 2024))
    again = _request(world, users)
    assert again.pk == stuck.pk  # the same version, not a second one
    again.refresh_from_db()
    assert (again.status, again.attempts) == (ReportStatus.READY, 2)
    assert _events(stuck, services.RETRY_ON_REQUEST).count() == 1
    assert Report.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_asking_again_while_a_live_worker_renders_returns_it_untouched(
    world,
    users,
    fast_render,  # noqa: F811
):
    report = _queued(world, users, 2024)
    with _live_renderer(report):
        again = services.report_request(
            campaign=world.campaign, kind="annual", year=2024, by=users["secretariat"]
        )
        report.refresh_from_db()
    assert again.pk == report.pk
    assert (report.status, report.attempts, fast_render) == (ReportStatus.RENDERING, 1, [])


# --- (c) The previous version stays current until the new one is ready ------------------------


def _download(client, report: Report) -> bytes:
    response = client.get(reverse("reports:report-download", args=[report.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_previous_ready_version_stays_current_while_the_new_one_renders_and_after_it_fails(
    world,
    users,
    client_as,
    fast_render,  # noqa: F811
    monkeypatch,
):
    first = _request(world, users)
    first.refresh_from_db()
    client = client_as("secretariat")
    pdf = _download(client, first)
    # Version 2 requested; its render has not run yet (the worker is busy or was killed).
    monkeypatch.setattr(services, "enqueue", lambda pk: True)
    second = _request(world, users, narrative={**first.narrative(), "strengths": "Mới"})
    assert second.version == 2
    first.refresh_from_db()
    assert first.status == ReportStatus.READY  # still awaiting signature, not superseded
    assert _download(client, first) == pdf
    page = client.get(first.get_absolute_url()).content.decode()
    assert 'data-testid="newer-open"' in page
    assert "Phiên bản này vẫn là bản hiện hành" in page
    assert (
        'data-testid="sign-button"'
        in client_as("chairman").get(first.get_absolute_url()).content.decode()
    )
    page = client.get(second.get_absolute_url()).content.decode()
    assert 'data-testid="current-meanwhile"' in page
    assert reverse("reports:report-download", args=[first.pk]) in page

    # The render of version 2 fails: version 1 is still the current one.
    def broken(report):
        raise RuntimeError("Lỗi mẫu văn bản thử")

    monkeypatch.setattr(rendering, "render_report", broken)
    assert services.report_render(report_id=second.pk) is None
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.status, first.status) == (ReportStatus.FAILED, ReportStatus.READY)
    assert _download(client, first) == pdf
    page = client.get(second.get_absolute_url()).content.decode()
    assert "Bản hiện hành vẫn là" in page


def test_the_new_version_replaces_the_previous_one_when_it_is_ready(
    world,
    users,
    client_as,
    fast_render,  # noqa: F811
    monkeypatch,
):
    first = _request(world, users)
    monkeypatch.setattr(services, "enqueue", lambda pk: True)
    second = _request(world, users, narrative={**FULL, "strengths": "Mới"})
    done = services.report_render(report_id=second.pk)
    assert done is not None
    assert done.status == ReportStatus.READY
    first.refresh_from_db()
    assert first.status == ReportStatus.SUPERSEDED
    event = AuditEvent.objects.get(
        model="reports.report", object_id=str(first.pk), changes__status__1="superseded"
    )
    assert "phiên bản 2" in event.reason
    page = client_as("secretariat").get(second.get_absolute_url()).content.decode()
    assert 'data-testid="current-version"' in page
    assert 'data-testid="current-meanwhile"' not in page


def test_a_signed_version_is_never_rendered_over_or_superseded(
    world,
    users,
    fast_render,  # noqa: F811
    signing_cert,
):
    first = _request(world, users)
    first.refresh_from_db()
    signoff = services.report_sign(report=first, by=users["chairman"], read_sha256=first.sha256)
    signed_bytes = signoff.signed_file.read()
    file_name, sha = first.file.name, first.sha256
    with mock.patch.object(services, "enqueue", return_value=True):
        second = _request(world, users, narrative={**FULL, "strengths": "Mới"})
    _claimed_by_a_dead_worker(second)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.report_retry(report=second, by=users["secretariat"])
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == ReportStatus.READY
    assert (first.status, first.file.name, first.sha256) == (ReportStatus.SIGNED, file_name, sha)
    signoff.signed_file.open("rb")
    assert signoff.signed_file.read() == signed_bytes
    with pytest.raises(ValidationError):  # and "Tạo lại" never applies to it
        services.report_retry(report=first, by=users["secretariat"])


def test_award_page_names_the_current_version_while_a_new_one_is_made(world, users):
    """The "Văn bản PDF" card of a decision page: version 2 being made, version 1 still current."""
    from portal.navigation import documents_for

    common = {"campaign": world.campaign, "kind": "award_decision", "year": 2025, "object_id": 7}
    Report.objects.create(**common, version=1, status=ReportStatus.READY, file="reports/v1.pdf")
    Report.objects.create(**common, version=2, status=ReportStatus.RENDERING)
    secretariat = users["secretariat"]
    (doc,) = documents_for(secretariat, ("award_decision",), 7)
    assert (doc["report"].version, doc["current"].version) == (2, 1)
    Report.objects.filter(version=2).update(status=ReportStatus.READY, file="reports/v2.pdf")
    (doc,) = documents_for(secretariat, ("award_decision",), 7)
    assert (doc["report"].version, doc["current"]) == (2, None)
