"""Two secretaries on one report's narrative. Each save makes a new version, so the page's
narrative is compared with the latest version: the same part changed by both is refused (who,
when, the first text kept, the second person's text still on the page); different parts are
merged into the new version."""

from __future__ import annotations

import html

import pytest
from django.test import TestCase
from django.urls import reverse

from portal.roles import Role
from reports import rendering, services
from reports.models import Report, ReportStatus
from tests.factories import UserFactory
from tests.pageforms import form_data

pytestmark = pytest.mark.django_db
FIRST = "Nguyễn Thị Thường Trực"


@pytest.fixture
def quick_render(monkeypatch):
    """A tiny real PDF instead of the full report (the narrative is what these tests follow)."""

    def fake(report):
        content, pages, box = rendering.html_to_pdf("<html><body><p>Báo cáo thử</p></body></html>")
        return rendering.Rendered(
            filename="x.pdf",
            content_type="application/pdf",
            content=content,
            pages=pages,
            context_hash="a" * 64,
            tables=[],
            has_sample=False,
            signature_box=box,
            gather_seconds=0,
            render_seconds=0,
        )

    monkeypatch.setattr(rendering, "render_report", fake)


@pytest.fixture
def ready_report(world, users, quick_render):
    with TestCase.captureOnCommitCallbacks(execute=True):
        report = services.report_request(
            campaign=world.campaign, kind="annual", year=2024, by=users["secretariat"]
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    return report


@pytest.fixture
def two_secretaries(users, client_as):
    users["secretariat"].full_name = FIRST
    users["secretariat"].save()
    colleague = UserFactory(username="secretariat_2", roles=[Role.SECRETARIAT])
    b = client_as("anonymous")
    b.force_login(colleague, backend="django.contrib.auth.backends.ModelBackend")
    return client_as("secretariat"), b


def _save(client, report, data):
    """Post the narrative and let the new version render (as the worker would)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("reports:report-regenerate", args=[report.pk]), data)


def _opened(client, report):
    action = reverse("reports:report-regenerate", args=[report.pk])
    return form_data(client.get(report.get_absolute_url()), action=action)


def test_the_same_part_saved_from_an_older_page_is_refused_and_kept_on_the_page(
    ready_report, two_secretaries
):
    a, b = two_secretaries
    page_a, page_b = _opened(a, ready_report), _opened(b, ready_report)

    assert _save(a, ready_report, {**page_a, "strengths": "Phong trào lan tỏa"}).status_code == 302
    response = _save(b, ready_report, {**page_b, "strengths": "Nhiều mô hình hay"})

    assert response.status_code == 409
    text = html.unescape(response.content.decode())
    assert "Không lưu được:" in text
    assert FIRST in text
    assert "Ưu điểm" in text
    assert "Nhiều mô hình hay" in text
    latest = Report.objects.order_by("-version").first()
    assert latest.version == 2
    assert latest.strengths == "Phong trào lan tỏa"


def test_different_parts_saved_from_two_pages_are_both_in_the_new_version(
    ready_report, two_secretaries
):
    a, b = two_secretaries
    page_a, page_b = _opened(a, ready_report), _opened(b, ready_report)

    assert _save(a, ready_report, {**page_a, "strengths": "Phong trào lan tỏa"}).status_code == 302
    assert _save(b, ready_report, {**page_b, "limits": "Một số xã nộp chậm"}).status_code == 302

    latest = Report.objects.order_by("-version").first()
    assert latest.version == 3
    assert latest.strengths == "Phong trào lan tỏa"
    assert latest.limits == "Một số xã nộp chậm"


def test_a_change_posted_while_the_other_version_is_being_made_is_kept_not_dropped(
    ready_report, two_secretaries
):
    a, b = two_secretaries
    page_a, page_b = _opened(a, ready_report), _opened(b, ready_report)
    regenerate = reverse("reports:report-regenerate", args=[ready_report.pk])

    a.post(regenerate, {**page_a, "strengths": "Phong trào lan tỏa"})  # v2 queued, not made yet
    response = b.post(regenerate, {**page_b, "limits": "Một số xã nộp chậm"})

    assert response.status_code == 409
    text = html.unescape(response.content.decode())
    assert "đang được tạo" in text
    assert "Một số xã nộp chậm" in text
    assert Report.objects.count() == 2
