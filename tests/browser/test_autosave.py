"""Autosave of the self-assessment in Chromium: nothing typed is lost. An out-of-range value is
marked at its field while the text beside it is saved; a stale draft's "Tải lại trang" keeps
the typed text beside the saved version; a failed autosave says so and retries until saved."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import Assessment
from portal.roles import Role
from tests.browser.conftest import BROWSER_PASSWORD
from tests.campaigns import cycle_world as cw

SAVED = "Đã lưu nháp lúc"
RETRYING = "Chưa lưu được – đang thử lại…"


@pytest.fixture
def draft(world):
    return cw.assessment(world.commune_a, world.campaign)


@pytest.fixture
def officer(world, browser_user):
    return browser_user("canbo_xa_a", [Role.UNIT_OFFICER], [world.commune_a])


def _open(page, live_server, sign_in, user, a) -> None:
    sign_in(user)
    page.goto(f"{live_server.url}{a.get_absolute_url()}")


def _sign_in_on(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", BROWSER_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/**")


def test_an_out_of_range_value_is_marked_in_place_and_the_text_beside_it_is_saved(
    draft, officer, sign_in, page, live_server, tmp_path
):
    _open(page, live_server, sign_in, officer, draft)
    percent, text = cw.item_no(draft, 2), cw.item_no(draft, 5)
    status = page.locator("#autosave-status")
    page.fill(f"#id_i{text.pk}_value", "Mô hình “Tuyến đường hoa”: 3 km, 120 hộ tham gia")
    page.fill(f"#id_i{percent.pk}_note", "Số liệu của 12 thôn")
    page.fill(f"#id_i{percent.pk}_value", "150")
    page.locator(f"#id_i{percent.pk}_value").blur()

    # The refused field is marked where it is, with its message, and keeps what was typed.
    field = page.locator(f"#id_i{percent.pk}_value")
    expect(field).to_have_class(re.compile(r"\bis-invalid\b"), timeout=10000)
    expect(page.locator(f"#div_id_i{percent.pk}_value")).to_contain_text(
        "Tỷ lệ không được vượt quá 100%."
    )
    expect(field).to_have_value("150")
    expect(status).to_contain_text("Còn 1 ô có giá trị không hợp lệ")
    # Everything valid beside it is saved.
    assert cw.item_no(draft, 5).value_text == "Mô hình “Tuyến đường hoa”: 3 km, 120 hộ tham gia"
    assert cw.item_no(draft, 2).note == "Số liệu của 12 thôn"
    assert cw.item_no(draft, 2).value_number is None
    page.screenshot(path=str(tmp_path / "refused-in-place.png"), full_page=True)

    # Leaving now warns: the refused value exists only on the page.
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.locator(".breadcrumb a").first.click()
    expect(field).to_have_value("150")
    assert dialogs == ["beforeunload"]
    assert page.url.endswith(draft.get_absolute_url())

    # Corrected, it is saved and the mark goes.
    page.fill(f"#id_i{percent.pk}_value", "85,5")
    field.blur()
    expect(status).to_contain_text(SAVED, timeout=10000)
    expect(field).not_to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator(f"#div_id_i{percent.pk}_value .invalid-feedback")).to_have_count(0)
    assert cw.item_no(draft, 2).value_number == Decimal("85.5")


def test_reloading_a_stale_draft_offers_the_typed_text_beside_the_saved_version(
    world, draft, officer, browser_user, sign_in, page, browser, live_server, tmp_path
):
    colleague = browser_user("canbo_xa_a_2", [Role.UNIT_OFFICER], [world.commune_a])
    url = f"{live_server.url}{draft.get_absolute_url()}"
    note = cw.item_no(draft, 3)
    # This officer opens the page first; a colleague then saves from another computer.
    _open(page, live_server, sign_in, officer, draft)
    other_context = browser.new_context()
    other = other_context.new_page()
    _sign_in_on(other, live_server, colleague)
    other.goto(url)
    other.fill("#id_summary", "Tóm tắt do đồng chí Hà nhập")
    other.locator("#id_summary").blur()
    expect(other.locator("#autosave-status")).to_contain_text(SAVED, timeout=10000)
    other_context.close()

    # This officer types on the stale page and is told someone saved first.
    status = page.locator("#autosave-status")
    page.fill("#id_summary", "Tóm tắt do tôi nhập, chưa lưu")
    page.fill(f"#id_i{note.pk}_note", "Đã huy động 1,5 tỷ đồng từ 320 hộ")
    page.locator(f"#id_i{note.pk}_note").blur()
    expect(status).to_contain_text("vừa được", timeout=10000)
    page.screenshot(path=str(tmp_path / "stale.png"))
    status.get_by_role("link", name="Tải lại trang").click()

    # The reloaded page shows the saved version, and beside each field the text typed here.
    summary = page.locator("#id_summary")
    expect(summary).to_have_value("Tóm tắt do đồng chí Hà nhập")
    offers = page.locator("[data-testid=unsaved-offer]")
    expect(offers).to_have_count(2)
    summary_offer = page.locator("#div_id_summary [data-testid=unsaved-offer]")
    expect(summary_offer).to_contain_text("Bản bạn đang gõ (chưa lưu)")
    expect(summary_offer).to_contain_text("Tóm tắt do tôi nhập, chưa lưu")
    expect(page.locator(f"#div_id_i{note.pk}_note [data-testid=unsaved-offer]")).to_contain_text(
        "Đã huy động 1,5 tỷ đồng từ 320 hộ"
    )
    page.screenshot(path=str(tmp_path / "offers.png"), full_page=True)

    # Choosing the typed text puts it in the field and saves it over the current revision.
    summary_offer.get_by_role("button", name="Dùng bản này").click()
    expect(summary).to_have_value("Tóm tắt do tôi nhập, chưa lưu")
    expect(status).to_contain_text(SAVED, timeout=10000)
    assert Assessment.objects.get(pk=draft.pk).summary == "Tóm tắt do tôi nhập, chưa lưu"
    # The other offer stays until it is chosen or dismissed, even across another reload.
    expect(offers).to_have_count(1)
    page.reload()
    expect(offers).to_have_count(1)
    offers.get_by_role("button", name="Dùng bản này").click()
    expect(status).to_contain_text(SAVED, timeout=10000)
    assert cw.item_no(draft, 3).note == "Đã huy động 1,5 tỷ đồng từ 320 hộ"
    expect(offers).to_have_count(0)


def test_a_stale_full_save_keeps_only_what_was_typed_for_the_reloaded_page(
    world, draft, officer, browser_user, sign_in, page, browser, live_server
):
    colleague = browser_user("canbo_xa_a_2", [Role.UNIT_OFFICER], [world.commune_a])
    url = f"{live_server.url}{draft.get_absolute_url()}"
    typed_note, other_note = cw.item_no(draft, 3), cw.item_no(draft, 4)
    _open(page, live_server, sign_in, officer, draft)
    other_context = browser.new_context()
    other = other_context.new_page()
    _sign_in_on(other, live_server, colleague)
    other.goto(url)
    other.fill("#id_summary", "Tóm tắt do đồng chí Hà nhập")
    other.fill(f"#id_i{other_note.pk}_note", "Ghi chú do đồng chí Hà nhập")
    other.locator(f"#id_i{other_note.pk}_note").blur()
    expect(other.locator("#autosave-status")).to_contain_text(SAVED, timeout=10000)
    other_context.close()

    # This officer types on the stale page and presses "Lưu nháp" at once: refused, kept.
    page.fill("#id_summary", "Tóm tắt do tôi nhập")
    page.fill(f"#id_i{typed_note.pk}_note", "Ghi chú do tôi nhập")
    page.click("button[value=save]")
    alert = page.locator(".alert-danger", has_text="vừa được")
    expect(alert).to_be_visible()
    expect(page.locator("#id_summary")).to_have_value("Tóm tắt do tôi nhập")
    alert.get_by_role("link", name="Tải lại trang").click()

    # Offered: the two fields typed here; not the colleague's note this officer never touched.
    expect(page.locator("#id_summary")).to_have_value("Tóm tắt do đồng chí Hà nhập")
    offers = page.locator("[data-testid=unsaved-offer]")
    expect(offers).to_have_count(2)
    expect(page.locator("#div_id_summary [data-testid=unsaved-offer]")).to_contain_text(
        "Tóm tắt do tôi nhập"
    )
    expect(
        page.locator(f"#div_id_i{typed_note.pk}_note [data-testid=unsaved-offer]")
    ).to_contain_text("Ghi chú do tôi nhập")
    expect(page.locator(f"#id_i{other_note.pk}_note")).to_have_value("Ghi chú do đồng chí Hà nhập")


def test_a_failed_autosave_says_so_and_retries_until_it_is_saved(
    draft, officer, sign_in, page, live_server, tmp_path
):
    _open(page, live_server, sign_in, officer, draft)
    text = cw.item_no(draft, 5)
    status = page.locator("#autosave-status")
    answer = {"now": "500"}

    def autosave(route):
        if answer["now"] == "500":
            route.fulfill(status=500, body="Lỗi máy chủ")
        elif answer["now"] == "offline":
            route.abort("internetdisconnected")
        else:
            route.continue_()

    autosave_url = reverse("campaigns:assessment-autosave", args=[draft.pk])
    page.route(f"{live_server.url}{autosave_url}", autosave)
    page.fill(f"#id_i{text.pk}_value", "Sáng kiến “Ngày thứ Bảy xanh”")
    page.locator(f"#id_i{text.pk}_value").blur()

    # A server error is shown and retried, then a dropped connection, then it goes through.
    expect(status).to_contain_text(RETRYING, timeout=10000)
    expect(status).to_contain_text("máy chủ báo lỗi")
    page.screenshot(path=str(tmp_path / "server-error.png"))
    answer["now"] = "offline"
    expect(status).to_contain_text("mất kết nối mạng", timeout=15000)
    expect(status).to_contain_text(RETRYING)
    assert cw.item_no(draft, 5).value_text == ""
    # Meanwhile leaving still warns: the text is only on the page.
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.locator(".breadcrumb a").first.click()
    expect(page.locator(f"#id_i{text.pk}_value")).to_have_value("Sáng kiến “Ngày thứ Bảy xanh”")
    assert dialogs == ["beforeunload"]
    answer["now"] = "through"
    expect(status).to_contain_text(SAVED, timeout=20000)
    assert cw.item_no(draft, 5).value_text == "Sáng kiến “Ngày thứ Bảy xanh”"
