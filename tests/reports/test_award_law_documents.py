"""The decision as the law words it, read back through pdftotext: a title is conferred
("Tặng danh hiệu …"), each awardee's amount is the one in force on the decision's date (base
salary 1.800.000 đồng until 30/06/2024, 2.340.000 đồng after) and the funding article is cited;
the decision form offers what the issuing authority may confer that day, the letter the rest."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from awards.models import AwardDecision, Nomination, NominationStatus
from reports import rendering
from reports.models import Report
from tests.awards.conftest import make_nomination, tiers  # noqa: F401
from tests.factories import CAMPAIGN_CODE as CODE
from tests.factories import PersonFactory
from units.models import AuthorityLevel

from .conftest import pdf_text

pytestmark = pytest.mark.django_db
S = NominationStatus


def _flat(text: str) -> str:
    return " ".join(text.split())


def _decision_text(world, users, nominations, day, number, tmp_path) -> str:
    decision = AwardDecision.objects.create(
        campaign=world.campaign,
        authority=world.campaign.authority,
        number=number,
        decision_date=day,
        title="Về việc tặng danh hiệu thi đua",
        created_by=users["secretariat"],
    )
    Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(
        decision=decision, status=S.DECIDED
    )
    report = Report(
        campaign=world.campaign,
        kind="award_decision",
        year=day.year,
        object_id=decision.pk,
        issue_date=day,
    )
    return _flat(pdf_text(rendering.render_report(report).content, tmp_path, f"{number[0]}.pdf"))


def test_the_amount_follows_the_base_salary_of_the_decision_date(
    world,
    users,
    make_nomination,  # noqa: F811
    tmp_path,
):
    def advanced_worker(name):
        person = PersonFactory(full_name=name, affiliation=world.commune_a)
        return make_nomination(tier_code="lao-dong-tien-tien", person=person, year=2023)

    before = _decision_text(
        world,
        users,
        [advanced_worker("Nguyễn Văn Trước")],
        datetime.date(2024, 5, 10),
        "1/QĐ-UBND",
        tmp_path,
    )
    after = _decision_text(
        world,
        users,
        [advanced_worker("Nguyễn Văn Sau")],
        datetime.date(2024, 8, 10),
        "2/QĐ-UBND",
        tmp_path,
    )
    for text in (before, after):
        assert "Tặng danh hiệu “Lao động tiên tiến” năm 2023 cho 01 cá nhân" in text
        assert "Khen thưởng 1" not in text
        assert "mức tiền thưởng theo Điều 54 Nghị định số 98/2023/NĐ-CP" in text
        assert "cần đối chiếu" not in text
        assert "theo khoản 4 Điều 11 Luật Thi đua, khen thưởng năm 2022" in text
        assert "–" not in text.split("QUYẾT ĐỊNH:", 1)[1].split("Điều 3.", 1)[0]
    # 0,3 × 1.800.000 = 540.000; 0,3 × 2.340.000 = 702.000, rounded up to 710.000.
    assert "540.000" in before
    assert "tổng số tiền 540.000 đồng" in before
    assert "710.000" in after
    assert "tổng số tiền 710.000 đồng" in after


def test_titles_and_forms_are_separate_articles_of_the_grant(
    world,
    users,
    make_nomination,  # noqa: F811
    tmp_path,
):
    person = PersonFactory(full_name="Trần Thị Danh Hiệu", affiliation=world.commune_a)
    title = make_nomination(tier_code="chien-si-thi-dua-co-so", person=person, year=2022)
    form = make_nomination(year=2022)
    text = _decision_text(
        world, users, [title, form], datetime.date(2023, 1, 10), "3/QĐ-UBND", tmp_path
    )
    assert "1. Tặng danh hiệu “Chiến sĩ thi đua cơ sở” năm 2022 cho 01 cá nhân" in text
    assert "2. Tặng Giấy khen của Chủ tịch Ủy ban nhân dân thị xã Thử Nghiệm cho 01 tập thể" in (
        text
    )
    # Before 2024: Decree 91/2017 with the base salary of 1.490.000 đồng; the Law of 2022 is not
    # cited for the fund. CSTĐCS 1,0 × → 1.490.000; Giấy khen (collective) 0,6 × → 894.000 →
    # 900.000.
    assert "1.490.000" in text
    assert "900.000" in text
    assert "Nghị định số 91/2017/NĐ-CP" in text
    assert "khoản 4 Điều 11" not in text


def test_decision_form_offers_what_the_authority_may_confer_and_the_letter_the_rest(
    world,
    users,
    make_nomination,  # noqa: F811
    client_as,
):
    """Today the test authority is a commune (after 01/07/2025): it confers CSTĐCS; the
    province's Bằng khen goes on the letter."""
    authority = world.campaign.authority
    authority.level = AuthorityLevel.COMMUNE
    authority.save(update_fields=["level"])
    person = PersonFactory(full_name="Phan Văn Xã Quyết", affiliation=world.commune_a)
    local = make_nomination(S.CHECKED, tier_code="chien-si-thi-dua-co-so", person=person)
    upper = make_nomination(S.CHECKED, tier_code="bang-khen-chu-tich-tinh")
    Nomination.objects.filter(pk__in=[local.pk, upper.pk]).update(status=S.PASSED)
    secretariat = client_as("secretariat")
    decision_response = secretariat.get(reverse("awards:decision-create", args=[CODE]))
    letter_response = secretariat.get(reverse("awards:letter-create", args=[CODE]))
    assert decision_response.status_code == letter_response.status_code == 200
    decision_page = decision_response.content.decode()
    letter_page = letter_response.content.decode()
    assert "Phan Văn Xã Quyết" in decision_page
    assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" not in decision_page
    assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" in letter_page
    assert "Phan Văn Xã Quyết" not in letter_page
