"""A commune officer sends a difficulty, the secretariat answers it, the officer sees the answer."""

from __future__ import annotations

import os

from portal.roles import Role
from tests.browser.conftest import click_menu

SHOTS = os.environ.get("SCREENSHOT_DIR")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_difficulty_goes_from_the_commune_to_the_secretariat_and_back(
    world, browser_user, sign_in, page, live_server, context
):
    officer = browser_user("canbo_xa_a", [Role.UNIT_OFFICER], [world.commune_a])
    secretary = browser_user("thuong_truc", [Role.SECRETARIAT])

    sign_in(officer)
    click_menu(page, "campaigns:oversight:feedback-list")
    page.click("text=Gửi khó khăn, đề xuất")
    page.select_option("select[name=kind]", "difficulty")
    page.fill("input[name=subject]", "Thiếu kinh phí đối ứng nhà văn hóa thôn")
    page.fill("textarea[name=body]", "Thôn chưa huy động đủ 30% kinh phí đối ứng.")
    page.set_input_files(
        "input[name=files]",
        files=[
            {
                "name": "de-nghi.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
            }
        ],
    )
    _shot(page, "feedback_form")
    page.click("main [type=submit]")
    page.wait_for_selector("text=Đã gửi đến Cơ quan thường trực")
    assert page.locator("text=Chưa có trả lời.").is_visible()
    assert page.locator("text=de-nghi.pdf").is_visible()
    detail_url = page.url
    context.clear_cookies()

    sign_in(secretary)
    page.goto(f"{live_server.url}/phong-trao/test-ntm-2021-2025/giam-sat/kho-khan/")
    page.click("text=Thiếu kinh phí đối ứng nhà văn hóa thôn")
    page.fill("textarea[name=answer]", "Đề nghị xã lồng ghép nguồn vốn chương trình MTQG.")
    _shot(page, "feedback_answer")
    page.click("text=Gửi trả lời")
    page.wait_for_selector("text=Đã trả lời và báo cho đơn vị gửi.")
    context.clear_cookies()

    sign_in(officer)
    page.goto(detail_url)
    answer = page.locator("[data-testid=feedback-answer]").inner_text()
    assert "Đề nghị xã lồng ghép nguồn vốn chương trình MTQG." in answer
    assert page.locator("text=Đã trả lời").first.is_visible()
    assert page.locator("text=Gửi trả lời").count() == 0  # the officer cannot answer
    _shot(page, "feedback_answered")
