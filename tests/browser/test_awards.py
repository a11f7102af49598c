"""End to end in Chromium: the secretariat puts a nomination on a session, three members vote
(a fourth is recused), the session closes, the chairman signs, the award shows in the history."""

from __future__ import annotations

import datetime
import os

import pytest

from awards.council.services import session_create
from awards.models import Award, MemberRole, YearlyRating
from awards.nominations.services import nomination_check, nomination_create, nomination_submit
from awards.tiers import load_tiers
from portal.roles import Role
from tests.awards.conftest import add_documents

SHOTS = os.environ.get("AWARDS_SCREENSHOTS", "")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def setting(world, browser_user):
    load_tiers()
    secretariat = browser_user("thuongtruc_b", [Role.SECRETARIAT])
    chairman = browser_user("chutich_b", [Role.CHAIRMAN, Role.COUNCIL_MEMBER])
    m1 = browser_user("hoidong_b1", [Role.COUNCIL_MEMBER])
    m2 = browser_user("hoidong_b2", [Role.COUNCIL_MEMBER])
    recused = browser_user("hoidong_b3", [Role.COUNCIL_MEMBER], units=[world.commune_a])
    from awards.models import AwardTier

    YearlyRating.objects.create(unit=world.commune_a, year=2025, rating="htxsnv")
    nomination = nomination_create(
        by=secretariat,
        campaign=world.campaign,
        tier=AwardTier.objects.get(code="giay-khen-chu-tich-thi-xa"),
        proposer_unit=world.commune_a,
        period_kind="final",
        period_year=2025,
        achievements="Về đích nông thôn mới nâng cao.",
        unit=world.commune_a,
    )
    add_documents(nomination, secretariat)
    # A final-review award is for achievement in the movement: its dossier cites it (Law
    # 06/2022 Art. 74–75; awards/eligibility.py, movement route).
    from campaigns.models import Contribution, ContributorKind

    nomination.contributions.add(
        Contribution.objects.create(
            campaign=world.campaign,
            year=2025,
            commune=world.commune_a,
            contributor="Nhân dân",
            contributor_kind=ContributorKind.PEOPLE,
            money_vnd=1_000_000,
        )
    )
    nomination_submit(nomination=nomination, by=secretariat)
    nomination_check(nomination=nomination, by=secretariat)
    session = session_create(
        by=secretariat,
        campaign=world.campaign,
        title="Phiên họp tổng kết phong trào",
        meeting_date=datetime.date(2025, 12, 15),
        location="Hội trường UBND",
        members=[
            (chairman, MemberRole.CHAIR),
            (m1, MemberRole.MEMBER),
            (m2, MemberRole.SECRETARY),
            (recused, MemberRole.MEMBER),
        ],
    )
    session.seats.update(attendance="present")
    return {
        "secretariat": secretariat,
        "chairman": chairman,
        "m1": m1,
        "m2": m2,
        "recused": recused,
        "session": session,
        "nomination": nomination,
    }


def _as(page, sign_in, user):
    page.context.clear_cookies()
    sign_in(user)


def test_council_session_end_to_end(
    page, live_server, sign_in, setting, world, browser_signing_cert
):
    asked: list[str] = []  # a vote is cast only after the member confirms the choice shown
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    session_url = f"{live_server.url}/khen-thuong/hoi-dong/{setting['session'].pk}/"
    # Today the town no longer exists (01/07/2025): its commune decides the awards.
    from tests.factories import town_ended_on_reform

    town_ended_on_reform(world.campaign.authority)

    _as(page, sign_in, setting["secretariat"])
    page.goto(session_url)
    page.get_by_label(world.commune_a.name, exact=False).check()
    page.get_by_role("button", name="Đưa vào chương trình").click()
    page.get_by_role("button", name="Bắt đầu biểu quyết").click()
    assert page.get_by_test_id("session-status").inner_text() == "Đang biểu quyết"
    _shot(page, "session-secretariat-open")

    for key in ("m1", "m2", "chairman"):
        _as(page, sign_in, setting[key])
        page.goto(session_url)
        page.get_by_test_id("vote-form").get_by_role("button", name="Đồng ý", exact=True).click()
        assert page.get_by_test_id("voted").is_visible()
    _shot(page, "session-member-voted")
    assert any("“Đồng ý”" in m and "Phiếu đã bỏ không sửa được" in m for m in asked)

    _as(page, sign_in, setting["recused"])
    page.goto(session_url)
    assert page.get_by_text("Ông/bà không tham gia biểu quyết trường hợp này.").is_visible()
    assert page.get_by_test_id("vote-form").count() == 0

    _as(page, sign_in, setting["secretariat"])
    page.goto(session_url)
    page.get_by_test_id("close-link").click()
    page.get_by_role("button", name="Xác nhận kết thúc phiên họp").click()
    assert page.get_by_test_id("outcome").inner_text() == "Thông qua"
    _shot(page, "session-closed")
    page.get_by_role("link", name="Lập dự thảo quyết định").click()
    # No number and no date to type: the register gives them when the chairman signs.
    assert page.locator("input[name=number]").count() == 0
    page.get_by_role("button", name="Lưu dự thảo quyết định").click()
    assert "Dự thảo quyết định" in page.title()
    page.get_by_test_id("make-pdf-award_decision").click()
    page.wait_for_url("**/bao-cao/*/")
    page.wait_for_selector("[data-status=ready]", timeout=120_000)
    report_url = page.url

    _as(page, sign_in, setting["chairman"])
    page.goto(report_url)
    page.click("[data-testid=sign-button]")
    page.wait_for_selector("[data-testid=signoff]")
    assert "Số 01/QĐ-UBND" in page.get_by_test_id("number").inner_text()
    page.goto(f"{live_server.url}/phong-trao/test-ntm-2021-2025/khen-thuong/quyet-dinh/")
    page.get_by_role("link", name="01/QĐ-UBND").click()
    assert page.get_by_test_id("signed").is_visible()
    _shot(page, "decision-signed")

    award = Award.objects.get()
    assert award.unit == world.commune_a
    page.goto(f"{live_server.url}/don-vi/{world.commune_a.pk}/")
    history = page.get_by_test_id("award-history")
    history.wait_for()
    assert "Giấy khen của Chủ tịch Ủy ban nhân dân thị xã" in history.inner_text()
    assert "01/QĐ-UBND" in history.inner_text()
    _shot(page, "unit-history")
