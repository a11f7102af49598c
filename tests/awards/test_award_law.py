"""Awards as the law has them (docs/awards-law.md): the conditions of the collective titles,
CSTĐCS before and after the 2022 Law, the movement route for households, the cultural titles and
the Cờ thi đua in the catalogue, who may confer what on which date, and the bonus table."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from awards import eligibility as el
from awards.models import BonusRate, Exemplar, NominationStatus, TierKind, YearlyRating
from awards.nominations.selectors import eligibility_for, nomination_route
from awards.tiers import bonus_amount, decidable_tiers, may_decide
from tests.factories import CAMPAIGN_CODE as CODE
from tests.factories import PersonFactory, UnitFactory
from units.models import UnitKind

pytestmark = pytest.mark.django_db
S = NominationStatus
D = datetime.date


def _verdict(nomination):
    results = eligibility_for(nomination)
    return el.verdict(results), " ".join(r.text for r in results)


FULL = {"members": 10, "members_done": 10, "members_advanced": 8, "members_disciplined": 0}


def test_excellent_collective_needs_a_member_with_cstdcs(make_nomination, world):
    n = make_nomination(tier_code="tap-the-lao-dong-xuat-sac", year=2024)
    n.facts = {**FULL, "members_fighters": 0}
    verdict, text = _verdict(n)
    assert verdict is False
    assert "không có thành viên đạt “Chiến sĩ thi đua cơ sở”" in text
    n.facts = {**FULL, "members_fighters": 1}
    assert _verdict(n)[0] is True


def test_excellent_collective_needs_seventy_percent_advanced_workers(make_nomination):
    n = make_nomination(tier_code="tap-the-lao-dong-xuat-sac", year=2024)
    n.facts = {**FULL, "members_advanced": 6, "members_fighters": 1}
    verdict, text = _verdict(n)
    assert verdict is False
    assert "chỉ 6/10 thành viên (60,0%) đạt “Lao động tiên tiến” (cần ít nhất 70%)" in text


def test_collective_title_without_the_dossier_figures_cannot_be_told(make_nomination):
    n = make_nomination(tier_code="tap-the-lao-dong-tien-tien", year=2024)
    verdict, text = _verdict(n)
    assert verdict is None
    assert "Hồ sơ chưa kê khai: tổng số thành viên" in text


def test_advanced_collective_with_a_disciplined_member_is_refused(make_nomination):
    n = make_nomination(tier_code="tap-the-lao-dong-tien-tien", year=2024)
    n.facts = {**FULL, "members_disciplined": 1}
    verdict, text = _verdict(n)
    assert verdict is False
    assert "1 thành viên bị kỷ luật từ hình thức cảnh cáo trở lên" in text


def test_cstdcs_2022_without_an_initiative_is_ineligible(make_nomination, world):
    person = PersonFactory(full_name="Phạm Văn Sáng", affiliation=world.commune_a)
    YearlyRating.objects.create(person=person, year=2022, rating="htxsnv")
    n = make_nomination(tier_code="chien-si-thi-dua-co-so", person=person, year=2022)
    verdict, text = _verdict(n)
    assert verdict is False
    assert "Chỉ có 0 sáng kiến dùng được; cần 1." in text


def test_cstdcs_2024_excellent_rating_suffices_or_an_initiative_instead(make_nomination, world):
    person = PersonFactory(full_name="Lê Thị Hồng", affiliation=world.commune_a)
    YearlyRating.objects.create(person=person, year=2024, rating="htxsnv")
    n = make_nomination(tier_code="chien-si-thi-dua-co-so", person=person, year=2024)
    assert _verdict(n)[0] is True
    other = PersonFactory(full_name="Đỗ Văn Kiến", affiliation=world.commune_a)
    YearlyRating.objects.create(person=other, year=2024, rating="httnv")
    m = make_nomination(tier_code="chien-si-thi-dua-co-so", person=other, year=2024)
    assert _verdict(m)[0] is False
    Exemplar.objects.create(
        person=other, kind="initiative", title="Số hóa hồ sơ một cửa", year=2024, summary="."
    )
    verdict, text = _verdict(m)
    assert verdict is True
    assert "Số hóa hồ sơ một cửa" in text


def test_cstdcs_quota_before_2024(make_nomination, world):
    """Decree 91/2017: no more than 15% of the unit's Lao động tiên tiến."""
    person = PersonFactory(full_name="Ngô Văn Hạn", affiliation=world.commune_a)
    YearlyRating.objects.create(person=person, year=2022, rating="htxsnv")
    Exemplar.objects.create(
        person=person, kind="initiative", title="Sáng kiến thử", year=2022, summary="."
    )
    n = make_nomination(tier_code="chien-si-thi-dua-co-so", person=person, year=2022)
    verdict, text = _verdict(n)
    assert verdict is None
    assert "Đơn vị chưa có số cá nhân đạt “Lao động tiên tiến” năm 2022" in text


def test_household_giay_khen_through_the_movement_route(make_nomination, world):
    household = UnitFactory(
        code="HO-NGUYEN",
        name="Hộ ông Nguyễn Văn Hiến",
        kind=UnitKind.HOUSEHOLD,
        parent=world.village_a,
    )
    n = make_nomination(tier_code="giay-khen-chu-tich-xa", unit=household, year=2025)
    assert nomination_route(n) == el.MERIT
    n.period_kind = "final"
    n.save(update_fields=["period_kind"])
    assert nomination_route(n) == el.MOVEMENT
    verdict, text = _verdict(n)
    assert verdict is None  # no evidence of the movement yet
    n.exemplars.add(
        Exemplar.objects.create(
            unit=household,
            kind="model",
            title="Hiến 300 m² đất làm đường",
            year=2024,
            summary=".",
        )
    )
    verdict, text = _verdict(n)
    assert verdict is True
    assert "xếp loại" not in text.split("Có 1 kết quả")[0]  # no rating asked of a household


def test_the_three_new_tiers_with_their_kinds_and_powers(tiers):
    flag, village, family = (
        tiers["co-thi-dua-tinh"],
        tiers["thon-to-dan-pho-van-hoa"],
        tiers["gia-dinh-van-hoa"],
    )
    for t in (flag, village, family):
        assert t.kind == TierKind.TITLE
    assert flag.nominee_kinds == ["collective"]
    assert village.nominee_kinds == ["collective"]
    assert family.nominee_kinds == ["household"]
    day = D(2024, 12, 20)
    assert may_decide(flag, "province", day)
    assert not may_decide(flag, "district", day)
    assert may_decide(village, "district", day)
    assert not may_decide(village, "commune", day)
    assert may_decide(family, "commune", day)
    assert not may_decide(family, "district", day)
    assert may_decide(village, "commune", D(2025, 7, 1))
    assert flag.certificate_heading == ""  # a flag, not a paper
    assert family.certificate_heading == "GIẤY CHỨNG NHẬN"


def test_powers_switch_on_1_july_2025(tiers):
    before, after = D(2025, 6, 30), D(2025, 7, 1)
    assert may_decide("chien-si-thi-dua-co-so", "district", before)
    assert not may_decide("chien-si-thi-dua-co-so", "district", after)
    assert not may_decide("chien-si-thi-dua-co-so", "commune", before)
    assert may_decide("chien-si-thi-dua-co-so", "commune", after)
    assert may_decide("tap-the-lao-dong-xuat-sac", "province", after)
    assert not may_decide("tap-the-lao-dong-xuat-sac", "commune", after)
    assert not may_decide("huan-chuong-lao-dong-3", "province", after)
    town_before = set(decidable_tiers("district", before).values_list("code", flat=True))
    assert "giay-khen-chu-tich-thi-xa" in town_before
    assert not decidable_tiers("district", after).exists()
    commune_after = set(decidable_tiers("commune", after).values_list("code", flat=True))
    assert {"chien-si-thi-dua-co-so", "tap-the-lao-dong-tien-tien", "giay-khen-chu-tich-xa"} <= (
        commune_after
    )


def test_bonus_table_follows_the_base_salary(tiers):
    assert bonus_amount(0.3, 1_800_000) == 540_000
    assert bonus_amount(0.3, 2_340_000) == 710_000  # 702.000 rounded up to the ten thousand
    assert bonus_amount(0.15, 1_490_000) == 230_000

    def amount(code, kind, day):
        rate = (
            BonusRate.objects.filter(tier__code=code, nominee_kind=kind, valid_from__lte=day)
            .order_by("-valid_from")
            .first()
        )
        assert rate.valid_to is None or day <= rate.valid_to
        return int(rate.amount_vnd)

    assert amount("lao-dong-tien-tien", "individual", D(2024, 6, 30)) == 540_000
    assert amount("lao-dong-tien-tien", "individual", D(2024, 7, 1)) == 710_000
    assert amount("tap-the-lao-dong-xuat-sac", "collective", D(2025, 12, 20)) == 3_510_000
    assert amount("co-thi-dua-tinh", "collective", D(2023, 12, 20)) == 14_400_000


def test_the_dossier_figures_typed_on_the_form_decide_the_collective_title(
    world, users, tiers, client_as
):
    YearlyRating.objects.create(unit=world.commune_a, year=2024, rating="htxsnv")
    officer = client_as("officer_a")
    data = {
        "campaign": world.campaign.pk,
        "tier": tiers["tap-the-lao-dong-xuat-sac"].pk,
        "unit": world.commune_a.pk,
        "proposer_unit": world.commune_a.pk,
        "period_kind": "year",
        "period_year": 2024,
        "achievements": "Hoàn thành xuất sắc nhiệm vụ.",
        "members": "12",
        "members_done": "13",
    }
    refused = officer.post(reverse("awards:nomination-create", args=[CODE]), data)
    assert refused.status_code == 200
    assert "Không được lớn hơn tổng số thành viên của tập thể." in refused.content.decode()
    data |= {
        "members_done": "12",
        "members_advanced": "9",
        "members_fighters": "0",
        "members_disciplined": "0",
    }
    response = officer.post(reverse("awards:nomination-create", args=[CODE]), data)
    assert response.status_code == 302
    nomination = world.campaign.nominations.get()
    assert nomination.facts["members_fighters"] == 0
    page = officer.get(nomination.get_absolute_url()).content.decode()
    assert "Số thành viên đạt “Chiến sĩ thi đua cơ sở”" in page
    verdict, text = _verdict(nomination)
    assert verdict is False
    assert "không có thành viên đạt “Chiến sĩ thi đua cơ sở”" in text


def test_the_catalogue_command_refreshes_an_old_installation(db):
    """An installation loaded before issue 15 gets the new tiers, powers and amounts, and with
    --refresh-rules the CSTĐCS initiative rule of the old Law."""
    from io import StringIO

    from django.core.management import call_command

    from awards.models import AwardTier, EligibilityRule, TierPower

    call_command("load_award_catalogue", stdout=StringIO())
    cstdcs = AwardTier.objects.get(code="chien-si-thi-dua-co-so")
    cstdcs.rules.filter(kind="initiatives").delete()  # as an old installation had it
    TierPower.objects.all().delete()
    out = StringIO()
    call_command("load_award_catalogue", "--refresh-rules", stdout=out)
    assert "Đã nạp" in out.getvalue()
    assert EligibilityRule.objects.filter(tier=cstdcs, kind="initiatives").count() == 1
    assert may_decide(cstdcs, "commune", D(2025, 7, 1))
    assert AwardTier.objects.filter(code="gia-dinh-van-hoa").exists()
