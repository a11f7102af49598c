"""The browser import in Chromium: htmx upload shows errors in place, a good file goes through
preview and confirm; nothing breaks the CSP."""

from __future__ import annotations

from portal.roles import Role
from tests.units.importfiles import MO_DUC, csv_bytes
from units.models import Unit


def test_secretariat_imports_units_from_the_unit_list(
    world, browser_user, sign_in, page, live_server, tmp_path
):
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in(browser_user("thu_ky", [Role.SECRETARIAT]))
    page.goto(f"{live_server.url}/don-vi/")
    page.click("text=Nhập từ tệp")

    bad = tmp_path / "loi.csv"
    bad.write_bytes(csv_bytes([*MO_DUC, ("MD-X", "Thôn Lạc", "village", "MD-KHONG-CO", "")]))
    page.set_input_files("input[type=file]", str(bad))
    with page.expect_request(lambda r: r.method == "POST") as sent:
        page.click("text=Kiểm tra tệp")
    assert sent.value.headers.get("hx-request") == "true"  # htmx, with its upload indicator
    errors = page.locator("[data-testid=import-errors]")
    errors.wait_for()
    assert "MD-KHONG-CO" in errors.inner_text()
    assert "Không dòng nào được lưu" in page.content()
    assert not Unit.objects.filter(code__startswith="MD-").exists()

    good = tmp_path / "mo-duc.csv"
    good.write_bytes(csv_bytes(MO_DUC, bom=True, delimiter=";"))
    page.set_input_files("input[type=file]", str(good))
    page.click("text=Kiểm tra tệp")
    page.locator("[data-testid=import-summary]").wait_for()
    assert "Sẽ tạo khối/cụm mới" in page.locator("[data-testid=import-note]").inner_text()
    page.click("[data-testid=import-confirm]")
    page.wait_for_url(f"{live_server.url}/nhap-du-lieu/")
    assert f"{len(MO_DUC)} dòng mới" in page.locator(".messages").inner_text()
    assert Unit.objects.filter(code__startswith="MD-").count() == len(MO_DUC)
    assert csp_errors == []


def test_economic_office_imports_ntm_results_from_the_ntm_list_and_returns_to_it(
    world, browser_user, sign_in, page, live_server, tmp_path
):
    from campaigns.models import NtmStatus

    sign_in(browser_user("kinh_te", [Role.ECONOMIC_OFFICE]))
    page.goto(f"{live_server.url}/phong-trao/test-ntm-2021-2025/ket-qua/ntm/")
    page.click("text=Nhập từ tệp")
    page.wait_for_url(f"{live_server.url}/nhap-du-lieu/ntm_status/")

    good = tmp_path / "ntm.csv"
    good.write_bytes(b"unit_code,year,criteria_met,level\nXA-A,2023,1;2;17,none\n")
    page.set_input_files("input[type=file]", str(good))
    page.click("text=Kiểm tra tệp")
    page.locator("[data-testid=import-summary]").wait_for()
    assert not NtmStatus.objects.exists()
    page.click("[data-testid=import-confirm]")
    page.wait_for_url(f"{live_server.url}/phong-trao/test-ntm-2021-2025/ket-qua/ntm/")
    assert "1 dòng mới" in page.locator(".messages").inner_text()
    assert NtmStatus.objects.get(unit=world.commune_a, year=2023).criteria_met_count == 3
