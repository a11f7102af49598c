"""Award documents in the browser: the secretariat makes the decision's PDF from the decision
page and the minutes from the closed session page; the chairman signs the decision's PDF and the
award appears in the history (made once)."""

from __future__ import annotations

import pytest

from awards.council.services import session_add_item, session_close, session_open, vote_cast
from awards.decisions.services import decision_create
from awards.models import Award, AwardDecision, DecisionStatus, Nomination
from reports.models import Report, ReportStatus
from tests.browser.test_awards import _as, setting  # noqa: F401
from tests.factories import town_ended_on_reform


@pytest.fixture
def draft_decision(setting, world):  # noqa: F811
    session, nomination = setting["session"], setting["nomination"]
    item = session_add_item(session=session, nomination=nomination, by=setting["secretariat"])
    session_open(session=session, by=setting["secretariat"])
    for key in ("m1", "m2", "chairman"):
        vote_cast(item=item, by=setting[key], choice="agree")
    session_close(session=session, by=setting["secretariat"])
    # Drafted today: the town ended on 30/06/2025 and its commune decides (docs/authorities.md).
    town_ended_on_reform(world.campaign.authority)
    return decision_create(
        by=setting["secretariat"],
        campaign=world.campaign,
        title="Về việc khen thưởng tổng kết Phong trào thi đua",
        legal_bases="Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
        nominations=[Nomination.objects.get(pk=nomination.pk)],
        session=session,
    )


def test_decision_pdf_made_from_the_awards_page_and_signed(
    page,
    live_server,
    sign_in,
    setting,  # noqa: F811
    draft_decision,
    world,
    browser_signing_cert,
):
    page.on("dialog", lambda dialog: dialog.accept())
    _as(page, sign_in, setting["secretariat"])
    page.goto(f"{live_server.url}/khen-thuong/hoi-dong/{setting['session'].pk}/")
    page.get_by_test_id("make-pdf-council_minutes").click()
    page.wait_for_url("**/bao-cao/*/")
    page.wait_for_selector("[data-status=ready]", timeout=120_000)
    assert Report.objects.get(kind="council_minutes").object_id == setting["session"].pk

    page.goto(f"{live_server.url}/khen-thuong/quyet-dinh/{draft_decision.pk}/")
    page.get_by_test_id("make-pdf-award_decision").click()
    page.wait_for_url("**/bao-cao/*/")
    page.wait_for_selector("[data-status=ready]", timeout=120_000)
    report = Report.objects.get(kind="award_decision")
    assert report.object_id == draft_decision.pk

    _as(page, sign_in, setting["chairman"])
    page.goto(f"{live_server.url}/bao-cao/{report.pk}/")
    page.click("[data-testid=sign-button]")
    page.wait_for_selector("[data-testid=signoff]")
    report.refresh_from_db()
    assert report.status == ReportStatus.SIGNED
    assert AwardDecision.objects.get(pk=draft_decision.pk).status == DecisionStatus.SIGNED
    assert Award.objects.filter(decision=draft_decision).count() == 1

    page.goto(f"{live_server.url}/khen-thuong/quyet-dinh/{draft_decision.pk}/")
    assert page.get_by_test_id("signed").is_visible()
    documents = page.get_by_test_id("award-documents").inner_text()
    assert "Đã ký" in documents
    page.goto(f"{live_server.url}/don-vi/{world.commune_a.pk}/")
    history = page.get_by_test_id("award-history")
    history.wait_for()
    assert "01/QĐ-UBND" in history.inner_text()  # the register's number, given at signing
