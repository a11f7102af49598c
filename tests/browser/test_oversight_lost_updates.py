"""Two browsers on one oversight record: the second save, made from a page opened before the
first, is refused with who saved and what changed, and the second person's text stays in the
field they typed it in."""

from __future__ import annotations

import os

from campaigns.models import BudgetLine, Recommendation
from portal.roles import Role
from tests.browser.conftest import signed_in_tab
from tests.campaigns.oversight_helpers import make_budget_line, make_recommendation

SHOTS = os.environ.get("SCREENSHOT_DIR")


def test_two_secretaries_edit_one_budget_line_and_the_later_save_is_refused(
    world, browser_user, browser, live_server
):
    first = browser_user("thuong_truc_1", [Role.SECRETARIAT])
    first.full_name = "Nguyễn Thị Thường Trực"
    first.save()
    second = browser_user("thuong_truc_2", [Role.SECRETARIAT])
    line = make_budget_line(world)
    url = f"{live_server.url}/phong-trao/giam-sat/kinh-phi/{line.pk}/sua/"
    a = signed_in_tab(browser, live_server, first)
    b = signed_in_tab(browser, live_server, second)
    a.goto(url)
    b.goto(url)

    a.fill("input[name=amount_vnd]", "50000000")
    a.click("main [type=submit]")
    a.wait_for_selector("text=Đã lưu dòng kinh phí.")
    b.fill("input[name=amount_vnd]", "38000000")
    b.click("main [type=submit]")

    alert = b.locator(".alert-danger, .alert-block").first
    alert.wait_for()
    assert "Không lưu được: Nguyễn Thị Thường Trực" in alert.inner_text()
    assert b.input_value("input[name=amount_vnd]") == "38000000"
    if SHOTS:
        b.screenshot(path=os.path.join(SHOTS, "budget_stale.png"), full_page=True)
    assert BudgetLine.objects.get().amount_vnd == 50_000_000


def test_two_officers_answer_one_recommendation_and_the_later_answer_stays_on_the_page(
    world, browser_user, browser, live_server
):
    first = browser_user("can_bo_1", [Role.UNIT_OFFICER], [world.commune_a])
    first.full_name = "Lê Thị Cán Bộ"
    first.save()
    second = browser_user("can_bo_2", [Role.UNIT_OFFICER], [world.commune_a])
    rec = make_recommendation(world)
    url = f"{live_server.url}{rec.finding.inspection.get_absolute_url()}"
    a = signed_in_tab(browser, live_server, first)
    b = signed_in_tab(browser, live_server, second)
    a.goto(url)
    b.goto(url)
    field = f"#resp-{rec.pk}"

    a.fill(field, "Đã bổ sung hồ sơ ngày 15/10.")
    a.click("text=Gửi trả lời")
    a.wait_for_selector("text=Đã gửi trả lời kiến nghị.")
    b.fill(field, "Sẽ bổ sung trong quý IV.")
    b.click("text=Gửi trả lời")

    alert = b.locator(f"#kien-nghi-{rec.pk} .alert-danger")
    alert.wait_for()
    assert "Không lưu được: Lê Thị Cán Bộ" in alert.inner_text()
    assert b.input_value(field) == "Sẽ bổ sung trong quý IV."
    if SHOTS:
        b.screenshot(path=os.path.join(SHOTS, "recommendation_stale.png"), full_page=True)
    assert Recommendation.objects.get().response == "Đã bổ sung hồ sơ ngày 15/10."
