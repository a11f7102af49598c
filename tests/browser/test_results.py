"""In Chromium: a commune officer records NTM status and a contribution; the economic office
confirms; the commune page shows the criteria grid; a bad amount is refused next to its field."""

from __future__ import annotations

from portal.roles import Role


def test_officer_records_ntm_status_and_contribution(
    world, browser_user, sign_in, page, live_server
):
    officer = browser_user("cb_xa_a", [Role.UNIT_OFFICER], [world.commune_a])
    sign_in(officer)
    page.goto(f"{live_server.url}/phong-trao/ket-qua/ntm/{world.commune_a.pk}/2023/")
    page.select_option("select[name=level]", "ntm")
    for number in range(1, 20):  # "Đạt chuẩn NTM" needs all 19 criteria
        page.check(f"input[name=criteria_met][value='{number}']")
    page.click("input[type=submit][value='Lưu']")
    page.wait_for_url(f"{live_server.url}/don-vi/{world.commune_a.pk}/")
    grid = page.locator("[data-testid=ntm-grid]")
    grid.wait_for()
    assert grid.locator("span.mark-yes").count() == 19
    assert "NTM" in grid.inner_text()

    page.goto(f"{live_server.url}/phong-trao/test-ntm-2021-2025/ket-qua/dong-gop/them/")
    page.fill("input[name=contributor]", "Nhân dân thôn Hội An")
    page.select_option("select[name=contributor_kind]", "people")
    page.fill("input[name=money_vnd]", "-5000")
    page.click("input[type=submit][value='Lưu']")
    assert page.locator("text=Số tiền không được âm.").is_visible()
    page.fill("input[name=money_vnd]", "150000000")
    page.click("input[type=submit][value='Lưu']")
    page.wait_for_url(f"{live_server.url}/phong-trao/test-ntm-2021-2025/ket-qua/dong-gop/")
    assert "150.000.000" in page.locator("[data-testid=contribution-table]").inner_text()


def test_economic_office_confirms_and_secretariat_sees_completeness(
    world, browser_user, sign_in, page, live_server
):
    from campaigns.results.services import ntm_status_save

    ntm_status_save(unit=world.commune_a, year=2023, level="none", numbers=[1, 2])
    office = browser_user("kt", [Role.ECONOMIC_OFFICE])
    sign_in(office)
    page.goto(f"{live_server.url}/phong-trao/ket-qua/ntm/{world.commune_a.pk}/2023/")
    page.click("button:has-text('Xác nhận kết quả năm 2023')")
    assert page.locator(".badge:has-text('Đã xác nhận')").is_visible()
