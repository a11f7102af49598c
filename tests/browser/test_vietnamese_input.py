"""In Chromium: a commune officer types numbers the Vietnamese way ("12,5" work days,
"150.250.500" đồng) and a contributor's name in decomposed Unicode; an ambiguous "1.5" is refused
with its message and what was typed stays; the list shows "12,5" and finds the name."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from campaigns.models import Contribution
from portal.roles import Role


def test_officer_types_vietnamese_numbers_and_decomposed_text(
    world, browser_user, sign_in, page, live_server
):
    officer = browser_user("cb_xa_a", [Role.UNIT_OFFICER], [world.commune_a])
    sign_in(officer)
    page.goto(f"{live_server.url}/phong-trao/test-ntm-2021-2025/ket-qua/dong-gop/them/")
    page.fill("input[name=contributor]", unicodedata.normalize("NFD", "Hộ ông Phổ Đức"))
    page.select_option("select[name=contributor_kind]", "household")
    for name, typed in (("money_vnd", "150.250.500"), ("work_days", "1.5")):
        page.fill(f"input[name={name}]", "")  # the box shows 0 until the officer types
        page.locator(f"input[name={name}]").press_sequentially(typed)
    page.click("input[type=submit][value='Lưu']")
    message = page.get_by_text("Số “1.5” không rõ")
    message.wait_for()
    assert "viết 1,5 nếu là một phẩy năm." in message.inner_text()
    assert page.input_value("input[name=work_days]") == "1.5"
    assert page.input_value("input[name=money_vnd]") == "150.250.500"

    page.fill("input[name=work_days]", "")
    page.locator("input[name=work_days]").press_sequentially("12,5")
    page.click("input[type=submit][value='Lưu']")
    page.wait_for_url(f"{live_server.url}/phong-trao/test-ntm-2021-2025/ket-qua/dong-gop/")
    row = Contribution.objects.get()
    assert (row.work_days, row.money_vnd) == (Decimal("12.5"), Decimal(150_250_500))
    table = page.locator("[data-testid=contribution-table]").inner_text()
    assert "12,5" in table
    assert "150.250.500" in table

    page.goto(f"{live_server.url}/phong-trao/test-ntm-2021-2025/ket-qua/dong-gop/?q=Phổ Đức")
    assert "Hộ ông Phổ Đức" in page.locator("[data-testid=contribution-table]").inner_text()
    page.goto(f"{live_server.url}/phong-trao/ket-qua/dong-gop/{row.pk}/sua/")
    assert page.input_value("input[name=work_days]") == "12,5"
    assert page.input_value("input[name=money_vnd]") == "150.250.500"
