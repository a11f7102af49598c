"""In Chromium: the unit list's "Xuất Excel" file, edited in a spreadsheet, imports back
through the browser page (issue #14, item 18)."""

from __future__ import annotations

import io
import os

from openpyxl import load_workbook

from portal.roles import Role
from units.models import Unit

SHOTS = os.environ.get("SCREENSHOT_DIR")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_the_unit_list_exported_edited_and_imported_back_in_the_browser(
    world, browser_user, sign_in, page, live_server, tmp_path
):
    sign_in(browser_user("thu_ky", [Role.SECRETARIAT]))
    page.goto(f"{live_server.url}/don-vi/")
    with page.expect_download() as download:
        page.click("[data-testid=unit-export]")
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)

    # The officer renames one commune and types a village's kind the short way, in Excel.
    workbook = load_workbook(exported)
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=4):
        if row[0].value == "XA-B":
            row[1].value = "Xã Phổ Thử B (đổi tên)"
        if row[0].value == "XA-A-T1":
            row[2].value = "Thôn"
    edited = io.BytesIO()
    workbook.save(edited)
    upload = tmp_path / "danh-sach-don-vi-da-sua.xlsx"
    upload.write_bytes(edited.getvalue())

    page.click("text=Nhập từ tệp")
    page.set_input_files("input[type=file]", str(upload))
    page.click("text=Kiểm tra tệp")
    summary = page.locator("[data-testid=import-summary]")
    summary.wait_for()
    assert [s.strip() for s in summary.locator("li").all_inner_texts()] == [
        "0 dòng mới",
        "1 dòng cập nhật",
        f"{Unit.objects.count() - 1} dòng không đổi",
    ]
    assert "Xã Phổ Thử B (đổi tên)" in page.locator("[data-testid=import-changes]").inner_text()
    assert "Các cột chỉ để xem" in page.locator("[data-testid=import-note]").inner_text()
    _shot(page, "unit-export-roundtrip-preview")
    page.click("[data-testid=import-confirm]")
    page.wait_for_url(f"{live_server.url}/nhap-du-lieu/")
    assert "1 dòng cập nhật" in page.locator(".messages").inner_text()
    assert Unit.objects.get(code="XA-B").name == "Xã Phổ Thử B (đổi tên)"
    assert Unit.objects.get(code="XA-A-T1").kind == "village"
