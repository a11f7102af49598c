"""Two browsers on one record: the NTM status of a commune (issue: lost updates)."""

from __future__ import annotations

import os

from campaigns.models import NtmStatus
from portal.roles import Role
from tests.browser.conftest import signed_in_tab

SHOTS = os.environ.get("SHOTS_DIR")
VIEWPORT = {"width": 1280, "height": 900}


def _shot(tab, name):
    if SHOTS:
        tab.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_an_officer_and_the_economic_office_on_one_ntm_record(
    world, browser_user, browser, live_server
):
    from campaigns.results.services import ntm_status_save

    ntm_status_save(unit=world.commune_a, year=2023, level="none", numbers=[1, 2, 3])
    officer = browser_user("canbo", [Role.UNIT_OFFICER], units=[world.commune_a])
    office = browser_user("kinhte", [Role.ECONOMIC_OFFICE])
    url = f"{live_server.url}/phong-trao/ket-qua/ntm/{world.commune_a.pk}/2023/"
    tab_officer = signed_in_tab(browser, live_server, officer, viewport=VIEWPORT)
    tab_office = signed_in_tab(browser, live_server, office, viewport=VIEWPORT)
    tab_office.goto(url)  # the economic office looks at 3 criteria
    tab_officer.goto(url)

    # The officer unticks criterion 3 and writes a note.
    tab_officer.uncheck("input[name=criteria_met][value='3']")
    tab_officer.fill("textarea[name=note]", "Tiêu chí 3 chưa đạt do thiếu kênh mương")
    tab_officer.click("input[type=submit][value='Lưu']")
    tab_officer.wait_for_url(f"{live_server.url}/don-vi/**")

    # The office, still on its old page, confirms: refused, with what changed.
    tab_office.click("button:has-text('Xác nhận kết quả năm 2023')")
    alert = tab_office.locator(".alert-danger, .alert-error").first
    alert.wait_for()
    text = alert.inner_text()
    _shot(tab_office, "ntm-confirm-refused")
    assert "Không thực hiện được" in text
    assert "Tiêu chí 3 chưa đạt do thiếu kênh mương" in text
    status = NtmStatus.objects.get(unit=world.commune_a, year=2023)
    assert status.confirmed_at is None

    # The office types a decision number on its (reloaded) page while the officer edits the
    # note again: both are kept.
    tab_office.fill("input[name=recognition_decision]", "QĐ 45/QĐ-UBND")
    tab_officer.goto(url)
    tab_officer.fill("textarea[name=note]", "Đã bổ sung hồ sơ tiêu chí 3")
    tab_officer.click("input[type=submit][value='Lưu']")
    tab_officer.wait_for_url(f"{live_server.url}/don-vi/**")
    tab_office.click("input[type=submit][value='Lưu']")
    tab_office.wait_for_load_state()
    status.refresh_from_db()
    assert status.note == "Đã bổ sung hồ sơ tiêu chí 3"
    assert status.recognition_decision == "QĐ 45/QĐ-UBND"

    # Both change the note: the later is refused and its text stays in the box.
    tab_office.goto(url)
    tab_officer.goto(url)
    tab_officer.fill("textarea[name=note]", "Ghi chú của xã")
    tab_officer.click("input[type=submit][value='Lưu']")
    tab_officer.wait_for_url(f"{live_server.url}/don-vi/**")
    tab_office.fill("textarea[name=note]", "Ghi chú của Phòng Kinh tế")
    tab_office.click("input[type=submit][value='Lưu']")
    tab_office.locator("text=Không lưu được").first.wait_for()
    _shot(tab_office, "ntm-edit-refused")
    assert tab_office.input_value("textarea[name=note]") == "Ghi chú của Phòng Kinh tế"
    status.refresh_from_db()
    assert status.note == "Ghi chú của xã"
