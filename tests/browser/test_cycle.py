"""The yearly cycle in Chromium: an officer fills a self-assessment with an evidence upload and
submits; the secretariat returns it with a comment; the officer fixes and resubmits; the
secretariat approves."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from campaigns.models import Assessment, AssessmentStatus
from portal.roles import Role
from tests.browser.conftest import click_menu
from tests.campaigns import cycle_world as cw


@pytest.fixture
def accept_dialogs(page):
    page.on("dialog", lambda dialog: dialog.accept())


def _switch(page, sign_in, user):
    page.context.clear_cookies()
    sign_in(user)


def test_officer_and_secretariat_go_through_the_yearly_cycle(
    world, browser_user, sign_in, page, live_server, tmp_path, accept_dialogs
):
    cw.criteria_set(world.campaign)
    officer = browser_user("canbo_xa_a", [Role.UNIT_OFFICER], [world.commune_a])
    secretariat = browser_user("thuongtruc_thu", [Role.SECRETARIAT])
    evidence_file = tmp_path / "Biên bản công nhận.pdf"
    evidence_file.write_bytes(cw.PDF)

    # The officer opens this year's self-assessment and fills it in.
    sign_in(officer)
    click_menu(page, "campaigns:assessment-list")
    page.select_option("#id_unit", str(world.commune_a.pk))
    page.select_option("#id_year", "2025")
    page.click("text=Mở bản tự đánh giá")
    expect(page.locator("[data-testid=criteria-set]")).to_contain_text("phiên bản 1")
    a = Assessment.objects.get()
    pk = {i.criterion.number: i.pk for i in a.items.all()}
    page.select_option(f"#id_i{pk[1]}_value", "1")
    page.fill(f"#id_i{pk[1]}_score", "18")
    page.fill(f"#id_i{pk[2]}_value", "85,5")
    page.fill(f"#id_i{pk[2]}_score", "17")
    page.fill(f"#id_i{pk[3]}_value", "1.250.000.000")
    page.fill(f"#id_i{pk[3]}_score", "9")
    page.fill(f"#id_i{pk[4]}_value", "12")
    page.fill(f"#id_i{pk[4]}_score", "12")
    page.fill(f"#id_i{pk[5]}_value", "Mô hình “Tuyến đường hoa”")
    page.fill(f"#id_i{pk[5]}_score", "5")
    page.locator(f"#id_i{pk[5]}_score").blur()
    expect(page.locator("#autosave-status")).to_contain_text("Đã lưu nháp lúc", timeout=10000)

    # Evidence for the criterion that requires it.
    page.set_input_files(f"input[form=minh-chung-{pk[1]}]", str(evidence_file))
    page.click(f"button[form=minh-chung-{pk[1]}]")
    expect(page.locator(".alert-success")).to_contain_text("Đã thêm minh chứng")
    expect(page.locator("#tieu-chi-1")).to_contain_text("Biên bản công nhận.pdf")
    page.click("button[value=submit]")
    expect(page.locator("[data-testid=status]")).to_contain_text("Đã nộp")

    # The secretariat returns it with a comment on criterion 5.
    _switch(page, sign_in, secretariat)
    click_menu(page, "campaigns:review-queue")
    page.click(f"text={world.commune_a.name}")
    page.fill(f"#id_r{pk[5]}_comment", "Nêu rõ kết quả của mô hình")
    page.check(f"#id_r{pk[5]}_returned")
    page.fill("#id_reason", "Bổ sung kết quả mô hình ở tiêu chí 5")
    page.click("button[value=return]")
    expect(page.locator(".alert-success")).to_contain_text("Đã trả lại")

    # The officer sees the comment, fixes the criterion and resubmits.
    _switch(page, sign_in, officer)
    page.goto(f"{live_server.url}{a.get_absolute_url()}")
    expect(page.locator("[data-testid=return-reason]")).to_contain_text("tiêu chí 5")
    expect(page.locator("[data-testid=reviewer-comment]")).to_contain_text("Nêu rõ kết quả")
    expect(page.locator(f"#id_i{pk[1]}_score")).to_be_disabled()
    page.fill(f"#id_i{pk[5]}_value", "Mô hình “Tuyến đường hoa”: 3 km, 120 hộ tham gia")
    page.click("button[value=submit]")
    expect(page.locator("[data-testid=status]")).to_contain_text("Đã nộp")

    # The secretariat sees exactly what changed and approves.
    _switch(page, sign_in, secretariat)
    page.goto(f"{live_server.url}{a.get_absolute_url()}")
    diff = page.locator("[data-testid=diff]")
    expect(diff).to_have_count(1)
    expect(diff).to_contain_text("120 hộ tham gia")
    page.click("button[value=approve]")
    expect(page.locator(".alert-success")).to_contain_text("Đã duyệt")
    a.refresh_from_db()
    assert a.status == AssessmentStatus.APPROVED
    page.goto(f"{live_server.url}{a.get_absolute_url()}")
    expect(page.locator("[data-testid=status]")).to_contain_text("Đã duyệt")
    expect(page.locator(".history")).to_contain_text(re.compile("Trả lại: Bổ sung kết quả"))
    page.screenshot(path=str(tmp_path / "approved.png"), full_page=True)
