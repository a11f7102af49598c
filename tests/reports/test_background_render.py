"""Without a broker (the demo) a report asked for on a page renders in a background thread of the
web process: the request returns at once and the report's page follows its status until it is
ready (reports/background.py). The render is held on an event until the test has read the page,
so nothing depends on timing: were the render still inside the request, the request would wait
on the event and the test would fail."""

from __future__ import annotations

import threading

import pytest
from django.urls import reverse

from portal import background as portal_background
from reports import rendering
from reports.models import OPEN_STATUSES, Report, ReportStatus

from .test_services import fast_render  # noqa: F401 (fixture)


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_request_returns_at_once_and_the_page_then_shows_the_report(
    world,
    users,
    client_as,
    fast_render,  # noqa: F811
    settings,
    monkeypatch,
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # no broker, as in the demo
    settings.REPORTS_RENDER_IN_THREAD = True
    gate = threading.Event()
    rendered_in: list[str] = []
    quick = rendering.render_report

    def held(report):
        rendered_in.append(threading.current_thread().name)
        assert gate.wait(timeout=60), "the render was never let go"
        return quick(report)

    monkeypatch.setattr(rendering, "render_report", held)
    client = client_as("secretariat")

    response = client.post(
        reverse("reports:report-request", args=[world.campaign.code]),
        {"campaign": world.campaign.pk, "kind": "annual", "year": 2024},
    )
    try:
        assert response.status_code == 302
        report = Report.objects.get()
        assert report.status in OPEN_STATUSES  # returned while the render is held
        assert [str(m) for m in response.wsgi_request._messages] == [
            "Đã ghi nhận yêu cầu; báo cáo đang được tạo."
        ]
        page = client.get(response["Location"]).content.decode()
        status = reverse("reports:report-row", args=[report.pk])
        assert f'hx-get="{status}' in page  # the page asks for the status every 2 s
    finally:
        gate.set()
    assert portal_background.wait(timeout=120)

    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert fast_render == [report.pk]
    assert len(rendered_in) == 1
    assert rendered_in[0].startswith("portal-background")  # not the request's thread
    row = client.get(status).content.decode()
    assert "Chờ ký duyệt" in row
    assert "hx-trigger" not in row  # ready: the page stops asking


@pytest.mark.django_db
def test_the_tests_render_inside_the_request(
    world,
    users,
    client_as,
    fast_render,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """The suite's setting: no thread, the report is ready when the request returns."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("secretariat").post(
            reverse("reports:report-request", args=[world.campaign.code]),
            {"campaign": world.campaign.pk, "kind": "annual", "year": 2024},
        )
    assert response.status_code == 302
    assert Report.objects.get().status == ReportStatus.READY
