"""Lifecycle, idempotency, kill-and-retry, faults, sign-off and verification."""

from __future__ import annotations

import datetime
import subprocess
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection  # noqa: F401 (skipif conditions)
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from reports import registry, rendering, services, signing
from reports.models import Report, ReportStatus
from tests.factories import CAMPAIGN_CODE as CODE

from .conftest import FULL_NARRATIVE

pytestmark = pytest.mark.django_db

SMALL_HTML = (
    '<html><body><p>Báo cáo thử Đức Phổ</p><div id="sig-space" style="height:30mm"></div>'
    "</body></html>"
)


@pytest.fixture
def fast_render(monkeypatch):
    """Replace the (slow) full render by a tiny real PDF; counts the calls."""
    calls = []

    def fake(report):
        calls.append(report.pk)
        content, pages, box = rendering.html_to_pdf(SMALL_HTML)
        return rendering.Rendered(
            filename="x.pdf",
            content_type="application/pdf",
            content=content,
            pages=pages,
            context_hash="a" * 64,
            tables=[{"title": "Bảng", "columns": ["STT", "Xã"], "rows": [[1, "Xã Phổ An"]]}],
            has_sample=False,
            signature_box=box,
            gather_seconds=0,
            render_seconds=0,
        )

    monkeypatch.setattr(rendering, "render_report", fake)
    return calls


@pytest.fixture
def no_send(monkeypatch):
    monkeypatch.setattr(services, "enqueue", lambda pk: True)


def _request(world, users, kind="annual", year=2024, narrative=FULL_NARRATIVE):
    """Request as the secretariat and run the after-commit send (tests run in a transaction).
    With a complete evaluation by default, so the chairman may sign it."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.report_request(
            campaign=world.campaign,
            kind=kind,
            year=year,
            by=users["secretariat"],
            narrative=narrative,
        )


def test_request_renders_through_the_task_after_commit(world, users, fast_render, settings):
    report = _request(world, users)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert len(report.sha256) == 64
    assert report.file.name.endswith(f"{report.pk}-v1.pdf")
    assert fast_render == [report.pk]


def test_year_outside_the_campaign_is_refused(world, users, no_send):
    with pytest.raises(ValidationError, match="ngoài thời gian"):
        _request(world, users, year=2030)
    assert not Report.objects.exists()


def test_final_review_before_its_year_is_refused(world, users, no_send):
    next_year = timezone.localdate().year + 1
    world.campaign.end_year = next_year
    world.campaign.final_review_year = next_year
    world.campaign.save()
    with pytest.raises(ValidationError, match="Chưa đến năm"):
        _request(world, users, kind="final_review", year=next_year)
    with pytest.raises(ValidationError, match="làm vào năm"):
        _request(world, users, kind="final_review", year=2024)


def test_two_identical_requests_make_one_report(world, users, no_send):
    first = _request(world, users)
    second = _request(world, users)
    assert first.pk == second.pk
    assert Report.objects.count() == 1


def test_a_racing_duplicate_hits_the_constraint_and_gets_the_open_report(world, users, no_send):
    first = _request(world, users)
    real_lookup = services._open_report
    seen = []

    def not_yet_visible(key):
        # Simulate the other transaction not seeing the open row yet (first lookup only).
        seen.append(key)
        return None if len(seen) == 1 else real_lookup(key)

    with mock.patch.object(services, "_open_report", side_effect=not_yet_visible):
        second = _request(world, users)
    assert len(seen) == 2  # the lookup, then the retry after the constraint refused the row
    assert second.pk == first.pk
    assert Report.objects.count() == 1


def test_task_run_twice_renders_once(world, users, fast_render, no_send, settings):
    report = _request(world, users)
    services.report_render(report_id=report.pk)
    assert services.report_render(report_id=report.pk) is None
    files = list((settings.MEDIA_ROOT / "reports" / str(world.campaign.pk)).iterdir())
    assert len(files) == 1
    assert fast_render == [report.pk]


@pytest.mark.skipif(
    "connection.features.has_select_for_update_nowait",
    reason="with row locks (PostgreSQL) a dead renderer is seen at once: test_exactly_once.py",
)
def test_killed_worker_report_is_reclaimed_once_after_its_lease(world, users, fast_render):
    """Without row locks (SQLite) the lease decides whether the renderer is gone."""
    # Requested, but the after-commit send is not run here: the worker below is simulated.
    report = services.report_request(
        campaign=world.campaign, kind="annual", year=2024, by=users["secretariat"]
    )
    # A worker claimed it and died: still rendering, lease not yet expired → nobody steals it.
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RENDERING,
        lease_until=timezone.now() + datetime.timedelta(minutes=5),
        attempts=1,
    )
    assert services.report_render(report_id=report.pk) is None
    Report.objects.filter(pk=report.pk).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert services.requeue_stale() == 1  # the beat job sends it again
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert report.attempts == 2
    assert services.report_render(report_id=report.pk) is None
    assert fast_render == [report.pk]


def test_template_error_fails_once_with_message_and_no_retry(world, users, monkeypatch):
    bad = registry.DocumentKind(
        code="broken_test",
        label="Mẫu hỏng",
        doc_type="BÁO CÁO",
        symbol="BC-UBND",
        template="reports/pdf/does_not_exist.html",
        build=lambda r: {"parts": [], "summary": "x"},
        summary=lambda r: "x",
    )
    monkeypatch.setitem(registry._KINDS, "broken_test", bad)
    report = _request(world, users, kind="broken_test")
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "Lỗi mẫu văn bản" in report.error
    assert report.attempts == 1


def test_broker_down_keeps_the_request_and_runs_it_later(world, users, fast_render, settings):
    from kombu.exceptions import OperationalError as KombuError

    from reports.tasks import render_report_task

    settings.CELERY_TASK_EAGER_PROPAGATES = False
    with mock.patch.object(render_report_task, "apply_async", side_effect=KombuError("down")):
        report = _request(world, users)
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED
    assert "tạm thời không hoạt động" in report.error
    assert services.requeue_stale(older_than=datetime.timedelta(0)) == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert services.requeue_stale(older_than=datetime.timedelta(0)) == 0
    assert fast_render == [report.pk]


def test_regenerate_makes_a_new_version_and_keeps_the_signed_one(
    world, users, fast_render, signing_cert
):
    report = _request(world, users)
    report.refresh_from_db()
    signoff = services.report_sign(report=report, by=users["chairman"], read_sha256=report.sha256)
    signed_bytes = signoff.signed_file.read()
    new = services.report_regenerate(
        report=report, by=users["secretariat"], narrative={"strengths": "Ưu điểm mới"}
    )
    report.refresh_from_db()
    assert new.version == 2
    assert new.strengths == "Ưu điểm mới"
    assert report.status == ReportStatus.SIGNED
    signoff.signed_file.open("rb")
    assert signoff.signed_file.read() == signed_bytes


def test_signature_validates_and_a_changed_byte_breaks_it(
    world, users, fast_render, signing_cert, tmp_path
):
    report = _request(world, users)
    report.refresh_from_db()
    signoff = services.report_sign(report=report, by=users["chairman"], read_sha256=report.sha256)
    report.refresh_from_db()
    assert report.status == ReportStatus.SIGNED
    assert signoff.read_sha256 == report.sha256
    data = signoff.signed_file.read()
    # The signature is an incremental update: the file the chairman read is its prefix.
    with report.file.open("rb") as original:
        assert data.startswith(original.read())
    verdict = signing.validate_pdf(data)
    assert verdict.ok
    assert verdict.trusted
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    pdfsig = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert "Signature is Valid" in pdfsig.stdout
    assert "Total document signed" in pdfsig.stdout
    # One byte changed inside the signed range → no longer valid.
    position = data.index(b"/Producer") if b"/Producer" in data else 200
    tampered = bytearray(data)
    tampered[position + 1] ^= 0x01
    assert not signing.validate_pdf(bytes(tampered)).ok


def test_signing_a_changed_file_is_refused(world, users, fast_render, signing_cert):
    report = _request(world, users)
    report.refresh_from_db()
    read = report.sha256
    # The file changes after the chairman opened it.
    report.file.storage.delete(report.file.name)
    report.file.storage.save(report.file.name, ContentFile(b"%PDF-1.7 other"))
    with pytest.raises(ValidationError, match="đã thay đổi"):
        services.report_sign(report=report, by=users["chairman"], read_sha256=read)
    with pytest.raises(ValidationError, match="đã thay đổi"):
        services.report_sign(report=report, by=users["chairman"], read_sha256="0" * 64)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY


def test_signing_a_report_whose_file_is_gone_says_so_and_changes_nothing(
    world, users, fast_render, signing_cert, client_as
):
    """A database restored without its media: signing answers with the page that says the file
    is gone from storage (not a server error), and the report stays unsigned."""
    report = _request(world, users)
    report.refresh_from_db()
    report.file.storage.delete(report.file.name)
    response = client_as("chairman").post(
        reverse("reports:report-sign", args=[report.pk]), {"sha256": report.sha256}
    )
    assert response.status_code == 404
    assert "không còn trong kho lưu trữ" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.READY


def test_only_the_chairman_signs(world, users, fast_render, signing_cert, client_as):
    report = _request(world, users)
    report.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.report_sign(report=report, by=users["secretariat"], read_sha256=report.sha256)
    response = client_as("secretariat").post(
        reverse("reports:report-sign", args=[report.pk]), {"sha256": report.sha256}
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.READY


def test_chairman_signs_in_the_browser_flow_and_verify_page_confirms(
    world, users, fast_render, signing_cert, client_as
):
    report = _request(world, users)
    report.refresh_from_db()
    chairman = client_as("chairman")
    page = chairman.get(reverse("reports:report-detail", args=[report.pk]))
    assert page.status_code == 200
    assert report.sha256.encode() in page.content  # the form carries the hash of the file read
    pdf = chairman.get(reverse("reports:report-pdf", args=[report.pk]))
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"
    # The click records the request; the signing job runs once it is committed (here inline,
    # the tests' transaction never commits: run its after-commit send).
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = chairman.post(
            reverse("reports:report-sign", args=[report.pk]), {"sha256": report.sha256}
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SIGNED
    anonymous = client_as("anonymous")
    by_code = anonymous.get(reverse("verify:verify"), {"ma": report.verification_code})
    assert "Mã tra cứu hợp lệ" in by_code.content.decode()
    signed = report.signoff.signed_file.read()
    from django.core.files.uploadedfile import SimpleUploadedFile

    by_file = anonymous.post(
        reverse("verify:verify"), {"file": SimpleUploadedFile("bao-cao.pdf", signed)}
    )
    assert "đúng là bản gốc đã ký số" in by_file.content.decode()
    altered = anonymous.post(
        reverse("verify:verify"),
        {"file": SimpleUploadedFile("bao-cao.pdf", signed + b"\n%")},
    )
    assert "không phải bản gốc" in altered.content.decode()


def test_returning_a_report_needs_a_comment(world, users, fast_render):
    report = _request(world, users)
    report.refresh_from_db()
    with pytest.raises(ValidationError):
        services.report_return(report=report, by=users["chairman"], comment=" ")
    services.report_return(report=report, by=users["chairman"], comment="Bổ sung số liệu thôn.")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert report.return_comment == "Bổ sung số liệu thôn."


def test_data_change_after_signing_is_reported(world, report_data, users, signing_cert, tmp_path):
    """Full render (real data): the signed file stays, the page says the data changed."""
    from campaigns.models import NtmStatus

    report = _request(world, users, year=2024)
    report.refresh_from_db()
    services.report_sign(report=report, by=users["chairman"], read_sha256=report.sha256)
    report.refresh_from_db()
    assert services.data_changed_since(report) is False
    NtmStatus.objects.filter(unit=world.commune_b, year=2024).update(criteria_met_count=5)
    assert services.data_changed_since(report) is True
    before = report.signoff.signed_sha256
    report.signoff.signed_file.open("rb")
    assert services.sha256(report.signoff.signed_file.read()) == before


def test_xlsx_export_has_the_tables(world, users, fast_render, client_as):
    import io

    from openpyxl import load_workbook

    report = _request(world, users)
    response = client_as("secretariat").get(reverse("reports:report-xlsx", args=[report.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "Bảng"
    assert sheet["B5"].value == "Xã Phổ An"


def test_a_request_while_the_redis_broker_refuses_connections_is_kept_queued(
    world, users, settings
):
    """Through a real Redis client (not a mocked send): the broker's port refuses connections,
    the request is recorded, queued, with the note that it will run when the service is back."""
    # Celery reads the CELERY_* settings live, so the settings fixture changes and restores
    # them (writing app.conf would leave the values behind for the rest of the process).
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    report = _request(world, users)
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED
    assert report.error == services.QUEUE_DOWN_NOTE


def test_lists_of_reports_leave_the_tables_unread(world, users, fast_render, client_as):
    """A final review's tables are ~85 KB of JSON: the archive, the versions on a report's page
    and the sign-off queue must not read them (50 versions made those pages ~8× slower)."""
    _request(world, users)
    _request(world, users)  # version 2; version 1 is superseded
    latest = Report.objects.order_by("-version").first()
    assert latest.version == 2
    assert latest.tables  # rendered, with tables
    client = client_as("chairman")
    archive = client.get(reverse("reports:report-list", args=[CODE]))
    detail = client.get(reverse("reports:report-detail", args=[latest.pk]))
    queue = client.get(reverse("reports:signoff-queue"))
    listed = [
        *archive.context["page"],
        *detail.context["versions"],
        *queue.context["page"],
    ]
    assert len(listed) == 2 + 2 + 1
    assert all("tables" in r.get_deferred_fields() for r in listed)
    assert detail.context["report"].tables == latest.tables  # the page's own report is whole
