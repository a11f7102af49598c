"""A worker died while making version 2: the secretariat sees it stopped, "Tạo lại" beside the
status, and version 1 still current with its PDF; one click makes version 2, which then replaces
version 1."""

from __future__ import annotations

import datetime
import os
from unittest import mock

from django.utils import timezone

from portal.roles import Role
from reports import services
from reports.models import Report, ReportStatus
from tests.reports.conftest import FULL_NARRATIVE
from tests.reports.test_services import fast_render  # noqa: F401 (fixture)


def test_a_stranded_version_offers_retry_and_the_previous_one_stays_current(
    world,
    browser_user,
    sign_in,
    page,
    live_server,
    fast_render,  # noqa: F811
):
    secretariat = browser_user("br_secretariat", [Role.SECRETARIAT])
    ask = {"campaign": world.campaign, "kind": "annual", "year": 2024, "by": secretariat}
    first = services.report_request(**ask, narrative=FULL_NARRATIVE)
    services.report_render(report_id=first.pk)
    with mock.patch.object(services, "enqueue", return_value=True):
        second = services.report_request(**ask, narrative={**FULL_NARRATIVE, "limits": "Mới"})
    # Its worker claimed it 10 s ago and was killed (no row lock held; the lease is over).
    now = timezone.now()
    Report.objects.filter(pk=second.pk).update(
        status=ReportStatus.RENDERING,
        attempts=1,
        started_at=now - datetime.timedelta(seconds=10),
        lease_until=now - datetime.timedelta(seconds=1),
    )

    sign_in(secretariat)
    page.goto(f"{live_server.url}/bao-cao/{second.pk}/")
    page.wait_for_selector("[data-testid=retry-button]")
    assert "Tiến trình tạo tệp đã dừng giữa chừng" in page.inner_text("[data-testid=stale-claim]")
    meanwhile = page.inner_text("[data-testid=current-meanwhile]")
    assert "phiên bản 1" in meanwhile
    link = f"[data-testid=current-meanwhile] a[href='/bao-cao/{first.pk}/tai-ve/']"
    assert page.locator(link).count() == 1
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=f"{os.environ['SCREENSHOT_DIR']}/report-retry.png", full_page=True)

    page.click("[data-testid=retry-button]")  # no broker here: made during the request
    page.wait_for_selector("[data-status=ready]")
    assert "Đã tạo xong văn bản PDF" in page.inner_text("body")
    assert page.locator("[data-testid=retry-button]").count() == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status, second.attempts) == (
        ReportStatus.SUPERSEDED,
        ReportStatus.READY,
        2,
    )
