"""Tried as the council would (issue 16): five members vote online without anybody taking
attendance, one forgets; the chairman opens the page before closing, sees who has not voted and
what each item would get, confirms, and the outcome shows."""

from __future__ import annotations

from awards.models import MemberRole, SessionMember
from portal.roles import Role
from tests.browser.test_awards import _as, setting  # noqa: F401 (fixture)


def test_five_members_vote_online_one_forgets_the_chairman_closes(
    page,
    live_server,
    sign_in,
    setting,  # noqa: F811
    browser_user,
):
    page.on("dialog", lambda dialog: dialog.accept())  # each vote asks once before it is cast
    session = setting["session"]
    # Five seats, nobody bound to the nominee's unit, nobody ticked as present.
    SessionMember.objects.filter(session=session, user=setting["recused"]).delete()
    m3 = browser_user("hoidong_b4", [Role.COUNCIL_MEMBER])
    forgets = browser_user("hoidong_b5", [Role.COUNCIL_MEMBER])
    forgets.full_name = "Lê Văn Quên"
    forgets.save()
    session.seats.create(user=m3, role=MemberRole.MEMBER)
    session.seats.create(user=forgets, role=MemberRole.MEMBER)
    session.seats.update(attendance="unknown")
    session_url = f"{live_server.url}/khen-thuong/hoi-dong/{session.pk}/"

    _as(page, sign_in, setting["secretariat"])
    page.goto(session_url)
    page.get_by_label(setting["nomination"].unit.name, exact=False).check()
    page.get_by_role("button", name="Đưa vào chương trình").click()
    page.get_by_role("button", name="Bắt đầu biểu quyết").click()
    assert "0/5 thành viên có mặt, cần ít nhất 4/5" in page.get_by_test_id("quorum").inner_text()

    for key in ("m1", "m2", "chairman"):
        _as(page, sign_in, setting[key])
        page.goto(session_url)
        page.get_by_test_id("vote-form").get_by_role("button", name="Đồng ý", exact=True).click()
        assert page.get_by_test_id("voted").is_visible()
    _as(page, sign_in, m3)
    page.goto(session_url)
    page.get_by_test_id("vote-form").get_by_role("button", name="Đồng ý", exact=True).click()

    _as(page, sign_in, setting["chairman"])
    page.goto(session_url)
    assert "Đủ số thành viên dự họp: 4/5" in page.get_by_test_id("quorum").inner_text()
    page.get_by_test_id("close-link").click()
    row = page.get_by_test_id("close-row")
    assert "4/5" in row.inner_text()
    assert row.get_by_test_id("missing").inner_text() == "Lê Văn Quên"
    assert "cần ít nhất 3 phiếu đồng ý trên 5 thành viên" in (
        row.get_by_test_id("threshold").inner_text()
    )
    assert row.get_by_test_id("projection").inner_text() == (
        "Nếu kết thúc bây giờ: thông qua (4 phiếu đồng ý)."
    )
    page.screenshot(path="/tmp/council-close-page.png", full_page=True)
    page.get_by_role("button", name="Xác nhận kết thúc phiên họp").click()
    assert page.get_by_test_id("session-status").inner_text() == "Đã kết thúc"
    assert page.get_by_test_id("outcome").inner_text() == "Thông qua"
    page.screenshot(path="/tmp/council-closed.png", full_page=True)
