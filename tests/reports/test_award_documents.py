"""Award documents through the one PDF pipeline: the decision, the council minutes and the
certificates, read back through pdftotext; the buttons on the awards pages; and signing the
decision's PDF signs the decision (award history rows made once)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from awards.council.services import session_add_item, session_close, session_open, vote_cast
from awards.decisions.services import decision_create, decision_sign
from awards.models import Award, AwardDecision, DecisionStatus, Nomination, NominationStatus
from reports import rendering, services
from reports.models import Report, ReportStatus
from tests.awards.conftest import council, everyone_present, make_nomination, tiers  # noqa: F401
from tests.factories import PersonFactory, town_ended_on_reform

from .conftest import pdf_text

pytestmark = pytest.mark.django_db
S = NominationStatus
PERSON = "Võ Thị Thanh Thảo"


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def awards_case(make_nomination, users, council, world):  # noqa: F811
    """A closed session with two items (a collective by show of hands, an individual by secret
    ballot, the chairman voting against) and a draft decision for both."""
    from awards.models import YearlyRating

    person = PersonFactory(full_name=PERSON, gender="female")
    YearlyRating.objects.create(person=person, year=2024, rating="htxsnv")
    collective = make_nomination(S.CHECKED)
    individual = make_nomination(S.CHECKED, tier_code="chien-si-thi-dua-co-so", person=person)
    secretariat = users["secretariat"]
    items = [
        session_add_item(session=council, nomination=n, by=secretariat)
        for n in (collective, individual)
    ]
    everyone_present(council)
    session_open(session=council, by=secretariat)
    voters = [users["chairman"], users["council_member"], *council.extra_members]
    for item in items:
        for voter in voters:
            choice = "disagree" if item.secret_ballot and voter == users["chairman"] else "agree"
            vote_cast(item=item, by=voter, choice=choice)
    session_close(session=council, by=secretariat)
    decision = decision_create(
        by=secretariat,
        campaign=world.campaign,
        decision_date=datetime.date(2025, 6, 20),
        title="Về việc khen thưởng trong Phong trào thi đua năm 2024",
        legal_bases="Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
        nominations=list(Nomination.objects.filter(pk__in=[collective.pk, individual.pk])),
        session=council,
    )
    return {
        "session": council,
        "decision": decision,
        "items": items,
        "person": person,
        "collective": collective,
        "individual": individual,
    }


def _render(world, kind, object_id, year=2025):
    report = Report(
        campaign=world.campaign,
        kind=kind,
        year=year,
        object_id=object_id,
        issue_date=datetime.date(2025, 12, 20),
        number="125/QĐ-UBND" if kind == "award_decision" else "",
    )
    return rendering.render_report(report)


def test_decision_pdf_in_the_administrative_layout(world, awards_case, tmp_path):
    rendered = _render(world, "award_decision", awards_case["decision"].pk)
    flat = _flat(pdf_text(rendered.content, tmp_path))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "Số: 125/QĐ-UBND" in flat
    assert "ngày 20 tháng 12 năm 2025" in flat
    assert "QUYẾT ĐỊNH" in flat
    assert "Về việc khen thưởng trong Phong trào thi đua năm 2024" in flat
    assert "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022" in flat
    assert "QUYẾT ĐỊNH:" in flat
    assert "Điều 1." in flat
    assert "Điều 2." in flat
    assert "Điều 3." in flat
    assert PERSON in flat  # the name exactly as recorded, with its diacritics
    assert world.commune_a.name in flat
    for n in (awards_case["collective"], awards_case["individual"]):
        assert n.tier.name in flat
    # The title is conferred, the form given; each amount from the seeded table on the
    # decision's date 20/06/2025 (base salary 2.340.000 đồng): CSTĐCS 1,0 × → 2.340.000;
    # Giấy khen for a collective 0,6 × → 1.404.000, rounded up to 1.410.000.
    assert "Tặng danh hiệu “Chiến sĩ thi đua cơ sở” năm 2024 cho 01 cá nhân" in flat
    assert "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân thị xã Thử Nghiệm cho 01 tập thể" in flat
    assert "2.340.000" in flat
    assert "1.410.000" in flat  # the bonus, with thousands separators
    assert "tổng số tiền 3.750.000 đồng" in flat
    # Dated 20/12/2025: the amounts and their basis are those in force that day.
    assert "mức tiền thưởng theo Nghị định số 152/2025/NĐ-CP;" in flat
    assert "cần đối chiếu" not in flat
    assert "chi từ Quỹ thi đua, khen thưởng của Ủy ban nhân dân thị xã Thử Nghiệm" in flat
    assert "Nơi nhận:" in flat
    assert "Như Điều 3;" in flat
    assert "CHỦ TỊCH" in flat
    assert rendered.signature_box is not None


def test_minutes_show_the_tally_and_not_who_voted_how(world, users, awards_case, tmp_path):
    session = awards_case["session"]
    rendered = _render(world, "council_minutes", session.pk)
    flat = _flat(pdf_text(rendered.content, tmp_path))
    assert "BIÊN BẢN HỌP HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG" in flat
    assert "có mặt 5 thành viên" in flat
    assert "Bỏ phiếu kín" in flat
    secret = next(i for i in awards_case["items"] if i.secret_ballot)
    secret.refresh_from_db()
    assert secret.tally["agree"] == 4
    assert secret.tally["disagree"] == 1
    # The tally table: totals per item (agree, disagree, abstain), for the secret item too.
    tally = flat.split("II. NỘI DUNG VÀ KẾT QUẢ BIỂU QUYẾT", 1)[1].split("III. KẾT LUẬN", 1)[0]
    assert PERSON in tally
    assert re.search(r"\b4 1 0\b", tally)
    assert re.search(r"\b5 0 0\b", tally)
    # After the attendance table, no member's name appears next to a vote (only the signers:
    # the secretary, "Ủy viên số 1", and the chair).
    after_attendance = flat.split("II. NỘI DUNG VÀ KẾT QUẢ BIỂU QUYẾT", 1)[1]
    for member in [users["council_member"], *session.extra_members[1:]]:
        assert member.display_name not in after_attendance


def test_certificates_one_page_per_awardee(world, users, awards_case, tmp_path):
    decision = awards_case["decision"]
    decision_sign(
        decision=decision, by=users["chairman"], number="125/QĐ-UBND", day=decision.decision_date
    )
    rendered = _render(world, "certificate", decision.pk)
    assert rendered.pages == decision.nominations.count() == 2
    text = pdf_text(rendered.content, tmp_path)
    pages = text.split("\f")
    assert PERSON in pages[0] + pages[1]
    assert sum(PERSON in p for p in pages) == 1
    form_page = next(p for p in pages if world.commune_a.name in p)
    title_page = next(p for p in pages if PERSON in p)
    assert "GIẤY KHEN" in form_page
    # A title is certified, not commended: its page is not headed "GIẤY KHEN".
    assert "GIẤY KHEN" not in title_page
    assert "BẰNG CHỨNG NHẬN" in title_page
    assert "Chiến sĩ thi đua cơ sở" in _flat(title_page)


def test_certificates_need_a_signed_decision(world, users, awards_case, client_as):
    decision = awards_case["decision"]
    response = client_as("secretariat").post(
        reverse("reports:award-document-request", args=["certificate", decision.pk]), follow=True
    )
    assert "Chỉ in giấy khen khi quyết định đã được ký." in response.content.decode()
    assert not Report.objects.filter(kind="certificate").exists()


def test_button_on_the_decision_page_makes_the_report(
    world, users, awards_case, client_as, monkeypatch
):
    monkeypatch.setattr(services, "enqueue", lambda pk: True)
    decision = awards_case["decision"]
    client = client_as("secretariat")
    page = client.get(reverse("awards:decision-detail", args=[decision.pk])).content.decode()
    assert "Tạo văn bản PDF" in page
    response = client.post(
        reverse("reports:award-document-request", args=["award_decision", decision.pk])
    )
    report = Report.objects.get(kind="award_decision")
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    assert report.object_id == decision.pk
    assert report.campaign == world.campaign
    assert report.year == 2025
    page = client.get(reverse("awards:decision-detail", args=[decision.pk])).content.decode()
    assert report.get_absolute_url() in page
    detail = client.get(report.get_absolute_url()).content.decode()
    assert reverse("awards:decision-detail", args=[decision.pk]) in detail
    assert "Phần đánh giá, phương hướng, kiến nghị" not in detail  # no narrative on a decision
    # An officer may not ask for it.
    assert (
        client_as("officer_a")
        .post(reverse("reports:award-document-request", args=["award_decision", decision.pk]))
        .status_code
        == 403
    )
    assert (
        client.post(
            reverse("reports:award-document-request", args=["award_decision", 99999])
        ).status_code
        == 404
    )


def _request(world, users, decision):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.report_request(
            campaign=world.campaign,
            kind="award_decision",
            year=2025,
            object_id=decision.pk,
            by=users["secretariat"],
        )


def test_signing_the_decision_pdf_signs_the_decision_once(world, users, awards_case, signing_cert):
    decision = awards_case["decision"]
    # Drafted for the day it is signed: the amounts (which follow the date's bonus table) are
    # the same before and after signing.
    # Signed today, after the reform: the commune that took the town over decides.
    commune = town_ended_on_reform(world.campaign.authority)
    AwardDecision.objects.filter(pk=decision.pk).update(
        decision_date=timezone.localdate(), authority=commune
    )
    report = _request(world, users, decision)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert not Award.objects.exists()
    services.report_sign(report=report, by=users["chairman"], read_sha256=report.sha256)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.SIGNED
    assert decision.signed_by == users["chairman"]
    assert Award.objects.filter(decision=decision).count() == 2
    assert set(Nomination.objects.filter(decision=decision).values_list("status", flat=True)) == {
        S.AWARDED
    }
    # A second PDF version signed later does not duplicate the history.
    again = _request(world, users, decision)
    again.refresh_from_db()
    services.report_sign(report=again, by=users["chairman"], read_sha256=again.sha256)
    assert Award.objects.filter(decision=decision).count() == 2
    # The signed report does not read as "data changed" because the decision got signed.
    report.refresh_from_db()
    assert services.data_changed_since(report) is False
    assert AwardDecision.objects.get(pk=decision.pk).status == DecisionStatus.SIGNED
