"""Every form that posts says it is working and sends once (static/js/portal.js): on a slow line
or a long job the button is disabled at once and a line says what is happening.

The page's own submission is stopped after portal.js has handled it (a listener on `window`
runs last), so the test reads the page as a user sees it while the request would be on its way.
"""

from __future__ import annotations

import pytest

from portal.roles import Role

pytestmark = pytest.mark.browser

STOP_AND_COUNT = """() => {
  window.__posts = 0;
  window.addEventListener("submit", (event) => {
    if (!event.defaultPrevented) window.__posts += 1;
    event.preventDefault();
  });
}"""


def _busy_line(page) -> str:
    page.wait_for_function("document.querySelector('[data-busy-status]')")
    return page.evaluate("document.querySelector('[data-busy-status]').textContent").strip()


def test_a_report_request_shows_what_is_happening_and_sends_once(
    world, browser_user, sign_in, page, live_server
):
    sign_in(browser_user("busy_secretariat", [Role.SECRETARIAT]))
    page.goto(f"{live_server.url}/phong-trao/test-ntm-2021-2025/bao-cao/yeu-cau/")
    page.select_option("select[name=campaign]", str(world.campaign.pk))
    page.select_option("select[name=kind]", "annual")
    page.fill("input[name=year]", "2024")
    page.evaluate(STOP_AND_COUNT)
    button = page.locator("input[type=submit][value='Gửi yêu cầu tạo báo cáo']")
    button.click()
    assert "văn bản lớn có thể mất một đến hai phút" in _busy_line(page)
    assert button.is_disabled()
    assert page.locator("form[aria-busy=true]").count() == 1
    # A second press (Enter in a field, an impatient click) sends nothing more.
    page.locator("input[name=year]").press("Enter")
    assert page.evaluate("window.__posts") == 1


def test_any_other_form_gets_the_default_busy_line(browser_user, sign_in, page, live_server):
    sign_in(browser_user("busy_officer", [Role.UNIT_OFFICER]))
    page.goto(f"{live_server.url}/thong-bao/")
    page.evaluate(STOP_AND_COUNT)
    button = page.locator("button[type=submit]:has-text('Lưu lựa chọn')")
    button.click()
    assert _busy_line(page) == "Đang xử lý, xin vui lòng chờ…"
    assert button.is_disabled()


def test_the_real_submission_still_goes_through(browser_user, sign_in, page, live_server):
    sign_in(browser_user("busy_officer2", [Role.UNIT_OFFICER]))
    page.goto(f"{live_server.url}/thong-bao/")
    page.uncheck("input[value=vote_opened]")
    page.click("button[type=submit]:has-text('Lưu lựa chọn')")
    page.wait_for_selector("text=Đã lưu lựa chọn nhận thông báo.")
    assert not page.locator("input[value=vote_opened]").is_checked()
    assert not page.locator("[data-busy-status]").count()
