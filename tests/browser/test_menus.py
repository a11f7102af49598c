"""Each role signs in through the real sign-in page and sees its own menu."""

from __future__ import annotations

import pytest

from portal.roles import Role

MENUS = {
    Role.SECRETARIAT: {"present": ["Đơn vị", "Người dùng", "Thẩm định", "Báo cáo"], "absent": []},
    Role.ECONOMIC_OFFICE: {"present": ["Thẩm định", "Đơn vị"], "absent": ["Người dùng"]},
    Role.UNIT_OFFICER: {"present": ["Tự đánh giá"], "absent": ["Người dùng", "Thẩm định"]},
    # A group of one entry shows the group's name (the council member's "Phong trào").
    Role.COUNCIL_MEMBER: {"present": ["Thi đua hằng năm"], "absent": ["Người dùng", "Tự đánh giá"]},
    Role.CHAIRMAN: {"present": ["Chờ ký duyệt"], "absent": ["Người dùng", "Tự đánh giá"]},
    Role.OBSERVER: {"present": ["Đơn vị"], "absent": ["Người dùng", "Tự đánh giá", "Thẩm định"]},
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_sees_its_menu(
    role, world, browser_user, sign_in, page, live_server
):
    units = [world.commune_a] if role == Role.UNIT_OFFICER else []
    user = browser_user(f"demo_{role.value}", [role], units)
    sign_in(user)
    assert page.locator("h1").first.inner_text().startswith("Xin chào")
    # Items inside closed dropdowns are in the DOM but hidden: read all the menu's text.
    menu = page.locator("[data-testid=main-menu]").text_content()
    for label in MENUS[role]["present"]:
        assert label in menu
    for label in MENUS[role]["absent"]:
        assert label not in menu
    # Open the first dropdown group and follow its first item.
    toggle = page.locator("[data-testid=main-menu] .dropdown-toggle").first
    toggle.click()
    first_item = page.locator("[data-testid=main-menu] .dropdown-menu.show a").first
    target = first_item.get_attribute("href")
    first_item.click()
    page.wait_for_url(f"{live_server.url}{target}")
    page.click("text=" + user.display_name)
    assert page.locator("text=" + role.label).first.is_visible()
