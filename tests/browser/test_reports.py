"""The secretariat requests the 2025 final review, watches it being made, the chairman reads
it in the page and signs it; the signed PDF downloads and its signature validates."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from campaigns.models import Contribution, ContributorKind, NtmLevel, NtmStatus
from portal.roles import Role
from reports import signing
from reports.models import Report, ReportStatus
from tests.reports.conftest import FULL_NARRATIVE


def test_final_review_requested_signed_and_validated(
    world, browser_user, sign_in, page, live_server, browser_signing_cert, context
):
    for year in range(2021, 2026):
        NtmStatus.objects.create(
            unit=world.commune_a, year=year, level=NtmLevel.NTM, criteria_met_count=19
        )
        Contribution.objects.create(
            campaign=world.campaign,
            year=year,
            commune=world.commune_a,
            contributor="Nhân dân",
            contributor_kind=ContributorKind.PEOPLE,
            money_vnd=1_000_000,
        )
    secretariat = browser_user("br_secretariat", [Role.SECRETARIAT])
    chairman = browser_user("br_chairman", [Role.CHAIRMAN])

    sign_in(secretariat)
    page.goto(f"{live_server.url}/phong-trao/test-ntm-2021-2025/bao-cao/yeu-cau/")
    page.select_option("select[name=campaign]", str(world.campaign.pk))
    page.select_option("select[name=kind]", "final_review")
    page.fill("input[name=year]", "2025")
    for name, text in FULL_NARRATIVE.items():  # the chairman signs only a complete evaluation
        page.fill(f"textarea[name={name}]", text)
    page.click("input[type=submit], button[type=submit] >> text=Gửi yêu cầu")
    page.wait_for_url("**/bao-cao/*/")
    # The status badge is polled by htmx until the report is ready.
    page.wait_for_selector("[data-status=ready]", timeout=120_000)
    report = Report.objects.get(kind="final_review", year=2025)
    assert report.status == ReportStatus.READY

    page.click("text=" + secretariat.display_name)
    page.click("button:has-text('Đăng xuất'), a:has-text('Đăng xuất')")
    sign_in(chairman)
    page.goto(f"{live_server.url}/bao-cao/cho-ky/")
    page.click(f"a[href='/bao-cao/{report.pk}/']")
    frame = page.locator("iframe.report-frame")
    assert frame.get_attribute("src").startswith(f"/bao-cao/{report.pk}/xem.pdf")
    page.click("[data-testid=sign-button]")
    page.wait_for_selector("[data-testid=signoff]")
    with page.expect_download() as download_info:
        page.click("text=Tải PDF đã ký số")
    data = Path(download_info.value.path()).read_bytes()
    # pyHanko runs its own event loop: validate outside Playwright's.
    with ThreadPoolExecutor(max_workers=1) as pool:
        verdict = pool.submit(signing.validate_pdf, data).result()
    assert verdict.ok
    assert verdict.trusted
    report.refresh_from_db()
    assert report.status == ReportStatus.SIGNED
