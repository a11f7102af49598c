"""Each role signs in through the real sign-in page and sees its own menu."""

from __future__ import annotations

import pytest

from portal.roles import Role

MENUS = {
    Role.SECRETARIAT: {"present": ["Đơn vị", "Phong trào"], "absent": []},
    Role.ECONOMIC_OFFICE: {"present": ["Đơn vị"], "absent": []},
    Role.UNIT_OFFICER: {"present": ["Đơn vị"], "absent": []},
    Role.COUNCIL_MEMBER: {"present": ["Phong trào"], "absent": []},
    Role.CHAIRMAN: {"present": ["Phong trào"], "absent": []},
    Role.OBSERVER: {"present": ["Đơn vị"], "absent": []},
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_sees_its_menu(
    role, world, browser_user, sign_in, page, live_server
):
    units = [world.commune_a] if role == Role.UNIT_OFFICER else []
    user = browser_user(f"demo_{role.value}", [role], units)
    sign_in(user)
    assert page.locator("h1").first.inner_text().startswith("Xin chào")
    menu = page.locator("[data-testid=main-menu]").inner_text()
    for label in MENUS[role]["present"]:
        assert label in menu
    for label in MENUS[role]["absent"]:
        assert label not in menu
    page.click("text=" + user.display_name)
    assert page.locator("text=" + role.label).first.is_visible()
