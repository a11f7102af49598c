"""Signing runs as a background job: the chairman's click records the request and returns at
once, the page shows "Đang ký số…" and its progress, then the signed document; a failure says
why and leaves the report as it was; a double click or a second tab signs once; a signing whose
job stopped (no heartbeat) is shown as stopped and can be signed again (reports/services.py,
"Signing as a background job")."""

from __future__ import annotations

import datetime
import json
import threading
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from portal import background
from portal.models import AuditEvent
from reports import services, signing
from reports.models import OutgoingNumber, Report, ReportStatus, SignOff

from .test_services import _request, fast_render  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The signing jobs sent after commit, not run: (report id, request number) each."""
    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(services, "enqueue_sign", lambda pk, attempt: calls.append((pk, attempt)))
    return calls


@pytest.fixture
def ready(world, users, fast_render, signing_cert):  # noqa: F811
    """A report rendered and waiting for the chairman's signature (rendering and the signing
    certificate made fast by the fixtures)."""
    report = _request(world, users)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    return report


def _click(client, report):
    """The chairman's "Ký duyệt", with the after-commit send run (the tests' transaction never
    commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("reports:report-sign", args=[report.pk]), {"sha256": report.sha256}
        )


def _beat(report, *, seconds_ago: float, step: str = services.STEP_RENDER) -> None:
    key = services.sign_beat_key(report.pk, report.sign_attempts)
    at = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    payload = json.dumps({"at": at.isoformat(), "step": step}).encode()
    background.write_small(background.beat_name(key), payload)


def test_the_click_records_the_request_and_returns_without_signing(
    ready,
    users,
    fast_render,  # noqa: F811
    client_as,
    sent,
):
    report = ready
    chairman = client_as("chairman")
    response = _click(chairman, report)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SIGNING
    assert sent == [(report.pk, 1)]  # the job is sent, once …
    assert fast_render == [report.pk]  # … and nothing was rendered again in the request
    assert not SignOff.objects.exists()
    assert not OutgoingNumber.objects.exists()  # no number yet: it is given when it is signed
    assert report.sign_requested_by == users["chairman"]
    assert report.sign_read_sha256 == report.sha256
    # The audit trail says who asked, and when.
    asked = AuditEvent.objects.filter(model="reports.report", reason="Yêu cầu ký số").get()
    assert asked.actor_id == users["chairman"].pk
    assert asked.changes["status"] == ["ready", "signing"]

    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Đã ghi nhận yêu cầu ký số. Văn bản đang được ký; trang tự cập nhật."]
    page = chairman.get(response["Location"]).content.decode()
    assert "Đang ký số…" in page
    progress = reverse("reports:report-signing", args=[report.pk])
    assert f'hx-get="{progress}"' in page  # the page asks for the progress every 2 s
    assert "Chờ đến lượt xử lý" in page
    assert 'data-testid="sign-button"' not in page  # no second "Ký duyệt" meanwhile
    _beat(report, seconds_ago=1, step=services.STEP_SIGN)
    panel = chairman.get(progress).content.decode()
    assert "Ký số: chữ ký của người có thẩm quyền, rồi chữ ký của cơ quan…" in panel
    assert 'hx-trigger="every 2s"' in panel


def test_the_job_signs_with_the_number_and_date_of_the_signing(ready, users, client_as, sent):
    report = ready
    chairman = client_as("chairman")
    _click(chairman, report)
    signoff = services.report_sign_job(report_id=report.pk, attempt=1)
    assert signoff is not None
    report.refresh_from_db()
    assert report.status == ReportStatus.SIGNED
    assert signoff.signed_by == users["chairman"]
    assert report.issue_date == timezone.localdate()
    entry = OutgoingNumber.objects.get()
    assert report.number == entry.number
    assert entry.issued_on == timezone.localdate()
    assert signing.validate_pdf(signoff.signed_file.read()).ok
    # The job's own event: the chairman's signature, after his request.
    done = AuditEvent.objects.filter(model="reports.report", reason__startswith="Ký số xong")
    assert done.get().actor_id == users["chairman"].pk
    # The polled panel sees it done and reloads the page, which shows the signed document.
    progress = chairman.get(reverse("reports:report-signing", args=[report.pk]))
    assert progress["HX-Refresh"] == "true"
    page = chairman.get(reverse("reports:report-detail", args=[report.pk])).content.decode()
    assert 'data-testid="signoff"' in page
    assert f"Số {entry.number}" in page
    assert "Đang ký số…" not in page
    assert "Đang ký số" in page  # in the history: who asked
    assert not background.last_beat(services.sign_beat_key(report.pk, 1))  # beat forgotten


def test_a_double_click_or_a_second_tab_signs_once(
    ready,
    fast_render,  # noqa: F811
    client_as,
    sent,
):
    report = ready
    first_tab, second_tab = client_as("chairman"), client_as("chairman")
    _click(first_tab, report)
    _click(first_tab, report)  # double click
    _click(second_tab, report)  # the same page open in another tab
    assert sent == [(report.pk, 1)]
    report.refresh_from_db()
    assert report.sign_attempts == 1
    # A message delivered twice (a worker lost, Redis's redelivery) signs once too.
    assert services.report_sign_job(report_id=report.pk, attempt=1) is not None
    assert services.report_sign_job(report_id=report.pk, attempt=1) is None
    _click(second_tab, report)  # and a click after it is signed
    assert sent == [(report.pk, 1)]
    assert SignOff.objects.count() == 1
    assert OutgoingNumber.objects.count() == 1
    assert fast_render == [report.pk, report.pk]  # the first render, then the signing's


def test_a_failed_signing_says_why_and_leaves_the_report_as_it_was(ready, client_as, sent):
    report = ready
    chairman = client_as("chairman")
    _click(chairman, report)
    # The data under the report changed after the chairman read it.
    Report.objects.filter(pk=report.pk).update(context_hash="b" * 64)
    assert services.report_sign_job(report_id=report.pk, attempt=1) is None
    report.refresh_from_db()
    assert report.status == ReportStatus.READY  # as it was: ready, unsigned, no number
    assert "Số liệu của văn bản đã thay đổi" in report.sign_error
    assert not SignOff.objects.exists()
    assert not OutgoingNumber.objects.exists()
    progress = chairman.get(reverse("reports:report-signing", args=[report.pk]))
    assert progress["HX-Refresh"] == "true"
    page = chairman.get(reverse("reports:report-detail", args=[report.pk])).content.decode()
    assert "Ký số không thành công." in page
    assert "Số liệu của văn bản đã thay đổi sau khi tạo bản đồng chí đã đọc" in page
    assert 'data-testid="sign-button"' in page  # he may sign again

    # A technical failure is said in words too, and again nothing is used up.
    Report.objects.filter(pk=report.pk).update(context_hash="a" * 64)
    _click(chairman, report)
    with mock.patch.object(signing, "sign_document", side_effect=RuntimeError("hsm down")):
        assert services.report_sign_job(report_id=report.pk, attempt=2) is None
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert report.sign_error == services.SIGN_ERROR
    assert not OutgoingNumber.objects.exists()

    # Signing again succeeds; the error is gone.
    _click(chairman, report)
    assert services.report_sign_job(report_id=report.pk, attempt=3) is not None
    report.refresh_from_db()
    assert report.status == ReportStatus.SIGNED
    assert report.sign_error == ""
    assert sent == [(report.pk, 1), (report.pk, 2), (report.pk, 3)]


def test_a_broker_that_is_down_fails_the_click_at_once_with_a_message(ready, client_as, settings):
    from kombu.exceptions import OperationalError as KombuError

    from reports.tasks import sign_report_task

    report = ready
    settings.CELERY_TASK_EAGER_PROPAGATES = False
    with mock.patch.object(sign_report_task, "apply_async", side_effect=KombuError("down")):
        _click(client_as("chairman"), report)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert report.sign_error == services.SIGN_QUEUE_DOWN


def test_only_the_signer_asks_for_a_signature(ready, users, client_as, sent):
    report = ready
    response = _click(client_as("secretariat"), report)
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.report_sign_request(
            report=report, by=users["secretariat"], read_sha256=report.sha256
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert sent == []
    # The waiting page of a signing is shown to the secretariat, without "Ký lại".
    _click(client_as("chairman"), report)
    report.refresh_from_db()
    _beat(report, seconds_ago=3600)
    panel = client_as("secretariat").get(reverse("reports:report-signing", args=[report.pk]))
    text = panel.content.decode()
    assert "Quá trình ký số đã dừng giữa chừng" in text
    assert "sign-again-button" not in text


def test_a_document_being_signed_is_not_made_again_nor_sent_back(ready, users, client_as, sent):
    report = ready
    _click(client_as("chairman"), report)
    with pytest.raises(ValidationError, match="đang được Chủ tịch ký số"):
        services.report_regenerate(
            report=report, by=users["secretariat"], narrative={"strengths": "Sửa"}
        )
    with pytest.raises(ValidationError, match="không ở trạng thái chờ ký duyệt"):
        services.report_return(report=report, by=users["chairman"], comment="Bổ sung")
    page = client_as("secretariat").get(reverse("reports:report-detail", args=[report.pk]))
    assert "Lưu và tạo lại báo cáo" not in page.content.decode()
    assert Report.objects.count() == 1


def test_a_signing_whose_job_stopped_is_shown_and_can_be_signed_again(
    ready, users, client_as, sent, settings
):
    settings.BACKGROUND_STALE_SECONDS = 120
    report = ready
    chairman = client_as("chairman")
    _click(chairman, report)
    report.refresh_from_db()
    _beat(report, seconds_ago=30)  # alive
    assert not services.signing_stopped(report)
    _beat(report, seconds_ago=600)  # its process died ten minutes ago, half way
    assert services.signing_stopped(report)
    page = chairman.get(reverse("reports:report-detail", args=[report.pk])).content.decode()
    assert "Quá trình ký số đã dừng giữa chừng" in page
    assert "Văn bản chưa được ký, chưa cấp số" in page
    assert 'data-testid="sign-again-button"' in page
    assert "Ký số đã dừng giữa chừng" in page  # the status badge says it too
    assert "hx-trigger" not in page.split('id="report-signing"')[1].split("</div>")[0]

    _click(chairman, report)  # "Ký lại": a new request takes it over
    assert sent == [(report.pk, 1), (report.pk, 2)]
    assert services.report_sign_job(report_id=report.pk, attempt=1) is None  # the old one: no-op
    assert services.report_sign_job(report_id=report.pk, attempt=2) is not None
    assert SignOff.objects.count() == 1
    retried = AuditEvent.objects.filter(reason__startswith="Yêu cầu ký số lại").get()
    assert retried.actor_id == users["chairman"].pk


def test_a_request_never_started_counts_as_stopped_after_the_queue_limit(
    ready, users, client_as, sent, settings
):
    settings.BACKGROUND_QUEUED_SECONDS = 1800
    report = ready
    _click(client_as("chairman"), report)
    asked = timezone.now() - datetime.timedelta(minutes=10)
    Report.objects.filter(pk=report.pk).update(sign_requested_at=asked)
    report.refresh_from_db()
    assert not services.signing_stopped(report)  # waiting behind other work
    asked = timezone.now() - datetime.timedelta(minutes=31)
    Report.objects.filter(pk=report.pk).update(sign_requested_at=asked)
    report.refresh_from_db()
    assert services.signing_stopped(report)
    # Its message, delivered at last, does not sign what the page has called stopped.
    assert services.report_sign_job(report_id=report.pk, attempt=1) is None
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert report.sign_error == services.SIGN_STOPPED
    # A new version may be asked for again.
    assert (
        services.report_regenerate(
            report=report, by=users["secretariat"], narrative={"strengths": "Sửa"}
        ).version
        == 2
    )


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_click_returns_before_the_signing_is_done(
    world,
    users,
    client_as,
    fast_render,  # noqa: F811
    signing_cert,
    settings,
    monkeypatch,
):
    """The demo: the job runs in the web process's background thread. It is held on an event
    until the test has read the page: were it inside the request, the request would wait on the
    event and the test would fail."""
    report = _request(world, users)
    report.refresh_from_db()
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.REPORTS_RENDER_IN_THREAD = True
    gate = threading.Event()
    signed_in: list[str] = []
    quick = signing.sign_document

    def held(*args, **kwargs):
        signed_in.append(threading.current_thread().name)
        assert gate.wait(timeout=60), "the signing was never let go"
        return quick(*args, **kwargs)

    monkeypatch.setattr(signing, "sign_document", held)
    chairman = client_as("chairman")
    response = chairman.post(
        reverse("reports:report-sign", args=[report.pk]), {"sha256": report.sha256}
    )
    try:
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.status == ReportStatus.SIGNING
        assert "Đang ký số…" in chairman.get(response["Location"]).content.decode()
        # A second click while the job holds the report (and, on SQLite, the database) returns
        # at once and asks for nothing more.
        again = chairman.post(
            reverse("reports:report-sign", args=[report.pk]), {"sha256": report.sha256}
        )
        assert again.status_code == 302
        report.refresh_from_db()
        assert report.sign_attempts == 1
    finally:
        gate.set()
    assert background.wait(timeout=120)
    report.refresh_from_db()
    assert report.status == ReportStatus.SIGNED
    assert signed_in
    assert signed_in[0].startswith("portal-background")
