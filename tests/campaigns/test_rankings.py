"""Ranking rules on hand-made cases (docs/rankings.md, "Rules and decisions")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.models import (
    Assessment,
    AssessmentItem,
    AssessmentStatus,
    CriteriaSet,
    Criterion,
    NtmLevel,
    RankingMethod,
    RankingWeight,
    TargetGroup,
    ValueType,
)
from campaigns.rankings.charts import heatmap
from campaigns.rankings.ranking import bloc_ranking, commune_ranking
from tests.factories import CampaignFactory, ClusterFactory, UnitFactory
from units.models import ClusterKind, UnitKind

from .rankings_helpers import DAY, cluster, commune, criteria, status, village_levels

pytestmark = pytest.mark.django_db

N, A, M, X = NtmLevel.NTM, NtmLevel.ADVANCED, NtmLevel.MODEL, NtmLevel.NONE


@pytest.fixture
def campaign():
    return CampaignFactory()


def _by_name(ranking):
    return {r.unit_name: r for r in ranking.rows}


def test_level_first_then_criteria_and_ties_share_a_rank(campaign):
    cl = cluster()
    names = {}
    for name, level, met in [
        ("Xã Bốn", X, 15),
        ("Xã Hai", X, 17),
        ("Xã Ba", X, 17),
        ("Xã Một", N, 19),
    ]:
        unit, _ = commune(cl, name)
        status(campaign, unit, 2024, level, met)
        names[name] = unit
    rows = _by_name(commune_ranking(2024, campaign=campaign))
    assert [rows[n].rank for n in ("Xã Một", "Xã Hai", "Xã Ba", "Xã Bốn")] == [1, 2, 2, 4]
    assert "đồng hạng" in rows["Xã Ba"].decided_by or "đồng hạng" in rows["Xã Hai"].decided_by
    assert "số tiêu chí đạt 15 < 17" in rows["Xã Bốn"].decided_by
    assert "mức đạt chuẩn chưa đạt < đạt chuẩn" in rows["Xã Hai"].decided_by or rows[
        "Xã Hai"
    ].decided_by.startswith("đồng hạng")


def test_model_beats_advanced_beats_ntm_whatever_the_other_figures(campaign):
    cl = cluster()
    for name, level, villages in [("Xã NTM", N, 3), ("Xã Nâng cao", A, 0), ("Xã Kiểu mẫu", M, 0)]:
        unit, vs = commune(cl, name, villages=villages)
        status(campaign, unit, 2024, level, 19)
        village_levels(vs, 2024, [N] * villages)
    ranks = {r.unit_name: r.rank for r in commune_ranking(2024, campaign=campaign).rows}
    assert ranks == {"Xã Kiểu mẫu": 1, "Xã Nâng cao": 2, "Xã NTM": 3}


def test_village_share_one_decimal_and_only_villages_existing_that_year(campaign):
    cl = cluster()
    unit, vs = commune(cl, "Xã Có Thôn", villages=4)
    vs[3].valid_to = DAY(2022, 6, 30)  # merged into another village in 2022
    vs[3].save()
    status(campaign, unit, 2024, X, 10)
    village_levels(vs[:3], 2024, [N, M, X])
    fig = commune_ranking(2024, campaign=campaign).rows[0].figures
    assert (fig.villages_total, fig.villages_ntm, fig.share_pct) == (3, 2, 66.7)


def test_commune_without_villages_shows_dash_and_ranks_as_zero_share(campaign):
    cl = cluster()
    lonely, _ = commune(cl, "Xã Không Thôn")
    zero, zv = commune(cl, "Xã Thôn Chưa Đạt", villages=2)
    half, hv = commune(cl, "Xã Nửa Thôn Đạt", villages=2)
    for unit in (lonely, zero, half):
        status(campaign, unit, 2024, X, 12)
    village_levels(zv, 2024, [X, X])
    village_levels(hv, 2024, [N, X])
    rows = _by_name(commune_ranking(2024, campaign=campaign))
    assert rows["Xã Không Thôn"].figures.share_pct is None
    assert rows["Xã Thôn Chưa Đạt"].figures.share_pct == 0.0
    assert rows["Xã Nửa Thôn Đạt"].rank == 1
    assert rows["Xã Không Thôn"].rank == rows["Xã Thôn Chưa Đạt"].rank == 2


def test_growth_arithmetic_from_campaign_start_and_from_earliest_record(campaign):
    cl = cluster()
    unit, _ = commune(cl, "Xã Tăng Đều")
    for year, met in [(2021, 10), (2022, 12), (2024, 16)]:
        status(campaign, unit, year, X, met)
    late, _ = commune(cl, "Xã Có Số Liệu Từ 2023")
    status(campaign, late, 2023, X, 9)
    status(campaign, late, 2024, X, 10)
    rows = _by_name(commune_ranking(2024, campaign=campaign))
    assert rows["Xã Tăng Đều"].figures.growth == 2.0  # (16 − 10) / (2024 − 2021)
    assert rows["Xã Tăng Đều"].figures.first_year == 2021
    assert rows["Xã Có Số Liệu Từ 2023"].figures.growth == 1.0  # (10 − 9) / 1
    first = _by_name(commune_ranking(2021, campaign=campaign))["Xã Tăng Đều"]
    assert first.figures.growth is None  # no growth in the first year
    # Without a campaign the first year is the commune's earliest year on record.
    assert _by_name(commune_ranking(2024))["Xã Tăng Đều"].figures.growth == 2.0
    assert _by_name(commune_ranking(2022))["Xã Tăng Đều"].figures.growth == 2.0


def test_growth_decides_when_everything_else_is_equal(campaign):
    cl = cluster()
    slow, _ = commune(cl, "Xã Tăng Chậm")
    fast, _ = commune(cl, "Xã Tăng Nhanh")
    status(campaign, slow, 2021, X, 14)
    status(campaign, fast, 2021, X, 10)
    status(campaign, slow, 2023, X, 16)
    status(campaign, fast, 2023, X, 16)
    rows = _by_name(commune_ranking(2023, campaign=campaign))
    assert rows["Xã Tăng Nhanh"].rank == 1
    assert rows["Xã Tăng Chậm"].rank == 2
    assert "mức tăng bình quân 1,00 < 3,00" in rows["Xã Tăng Chậm"].decided_by


def test_commune_that_lost_a_criterion_drops_and_the_heatmap_shows_it(campaign):
    cl = cluster()
    keeper, _ = commune(cl, "Xã Giữ Vững")
    loser, _ = commune(cl, "Xã Mất Tiêu Chí")
    status(campaign, keeper, 2023, X, 17)
    status(campaign, loser, 2023, X, 18)
    status(campaign, keeper, 2024, X, 17)
    status(campaign, keeper, 2025, X, 17)
    status(campaign, loser, 2024, X, [n for n in range(1, 19) if n != 5] + [19])  # lost 5, won 19
    status(campaign, loser, 2025, X, [n for n in range(1, 19) if n not in (5, 6)])
    ranking = commune_ranking(2025, campaign=campaign)
    rows = _by_name(ranking)
    assert rows["Xã Mất Tiêu Chí"].figures.criteria_met == 16
    assert rows["Xã Mất Tiêu Chí"].rank == 2  # 16 < 17
    assert rows["Xã Mất Tiêu Chí"].previous_rank == 1
    assert rows["Xã Mất Tiêu Chí"].movement == -1
    assert rows["Xã Giữ Vững"].movement == 1
    data = heatmap(2024, campaign=campaign)
    row = next(r for r in data["rows"] if r["name"] == "Xã Mất Tiêu Chí")
    symbols = {c["criterion"].number: c["symbol"] for c in row["cells"]}
    assert (symbols[5], symbols[19], symbols[1], symbols[6]) == ("−", "+", "✓", "✓")
    assert (row["gained"], row["lost"]) == (1, 1)


def test_merged_commune_appears_for_the_years_it_has_data(campaign):
    cl = cluster()
    old, _ = commune(cl, "Xã Cũ Sáp Nhập", valid_to=DAY(2025, 6, 30))
    other, _ = commune(cl, "Xã Cũ Khác", valid_to=DAY(2025, 6, 30))
    new, _ = commune(cl, "Xã Mới", valid_from=DAY(2025, 7, 1))
    old.successors.add(new)
    other.successors.add(new)
    for year in (2023, 2024):
        status(campaign, old, year, N, 19)
        status(campaign, other, year, X, 16)
    status(campaign, old, 2025, N, 19)  # ceased mid-2025: its half-year result still counts
    status(campaign, new, 2025, N, 19)
    ranks_2024 = {r.unit_name: r.rank for r in commune_ranking(2024, campaign=campaign).rows}
    assert ranks_2024 == {"Xã Cũ Sáp Nhập": 1, "Xã Cũ Khác": 2}
    rows_2025 = _by_name(commune_ranking(2025, campaign=campaign))
    assert set(rows_2025) == {"Xã Cũ Sáp Nhập", "Xã Mới"}
    assert rows_2025["Xã Cũ Sáp Nhập"].rank == rows_2025["Xã Mới"].rank == 1
    assert rows_2025["Xã Mới"].previous_rank is None  # not ranked before it existed
    assert rows_2025["Xã Mới"].figures.growth is None


def test_ranks_are_within_each_cluster(campaign):
    c1, c2 = cluster("Cụm một"), cluster("Cụm hai")
    for cl, met in ((c1, 10), (c1, 12), (c2, 5)):
        unit, _ = commune(cl, f"Xã {cl.name} {met}")
        status(campaign, unit, 2024, X, met)
    ranking = commune_ranking(2024, campaign=campaign)
    groups = {g["name"]: [(r.unit_name, r.rank) for r in g["rows"]] for g in ranking.clusters()}
    assert groups["Cụm một"] == [("Xã Cụm một 12", 1), ("Xã Cụm một 10", 2)]
    assert groups["Cụm hai"] == [("Xã Cụm hai 5", 1)]


def test_weighted_points_change_the_order_and_the_method_is_printed(campaign):
    cl = cluster()
    a, _ = commune(cl, "Xã Nhiều Tiêu Chí Nhẹ")
    b, _ = commune(cl, "Xã Ít Tiêu Chí Nặng")
    status(campaign, a, 2024, X, [1, 2, 3, 4])
    status(campaign, b, 2024, X, [10, 11])
    assert _by_name(commune_ranking(2024, campaign=campaign))["Xã Nhiều Tiêu Chí Nhẹ"].rank == 1
    crit = {c.number: c for c in criteria(campaign)}
    RankingWeight.objects.create(campaign=campaign, criterion=crit[10], points=Decimal("5"))
    RankingWeight.objects.create(campaign=campaign, criterion=crit[11], points=Decimal("5"))
    campaign.ranking_method = RankingMethod.WEIGHTED
    campaign.save()
    ranking = commune_ranking(2024, campaign=campaign)
    rows = _by_name(ranking)
    assert rows["Xã Ít Tiêu Chí Nặng"].rank == 1
    assert rows["Xã Ít Tiêu Chí Nặng"].score == Decimal("10")
    assert rows["Xã Nhiều Tiêu Chí Nhẹ"].score == Decimal("4")  # unweighted criteria count 1
    assert "trọng số" in ranking.method_text


def _approved(campaign, unit, year, scores, status=AssessmentStatus.APPROVED):
    cs, _ = CriteriaSet.objects.get_or_create(
        campaign=campaign,
        target_group=TargetGroup.ORGANISATIONS,
        version=1,
        defaults={"name": "Bộ a"},
    )
    a = Assessment.objects.create(
        campaign=campaign, unit=unit, year=year, criteria_set=cs, status=status
    )
    for n, (self_score, reviewer) in enumerate(scores, start=1):
        crit, _ = Criterion.objects.get_or_create(
            criteria_set=cs,
            number=n,
            defaults={"text": f"TC {n}", "value_type": ValueType.SCORE, "max_points": 10},
        )
        AssessmentItem.objects.create(
            assessment=a, criterion=crit, self_score=self_score, reviewer_score=reviewer
        )
    return a


def test_bloc_ranking_from_approved_scores_reviewer_first(campaign):
    khoi = ClusterFactory(name="Khối các phòng", kind=ClusterKind.BLOC)
    p1 = UnitFactory(name="Phòng Một", kind=UnitKind.DEPARTMENT, cluster=khoi)
    p2 = UnitFactory(name="Phòng Hai", kind=UnitKind.DEPARTMENT, cluster=khoi)
    p3 = UnitFactory(name="Hội Ba", kind=UnitKind.MASS_ORGANISATION, cluster=khoi)
    p4 = UnitFactory(name="Phòng Chưa Duyệt", kind=UnitKind.DEPARTMENT, cluster=khoi)
    _approved(campaign, p1, 2024, [(10, 8), (10, None)])  # 8 + 10 = 18
    _approved(campaign, p2, 2024, [(9, 9), (9, 9)])  # 18
    _approved(campaign, p3, 2024, [(10, 7), (10, 7)])  # 14
    _approved(campaign, p4, 2024, [(10, 10), (10, 10)], status=AssessmentStatus.SUBMITTED)
    _approved(campaign, p3, 2023, [(10, 10)])
    _approved(campaign, p1, 2023, [(5, 5)])
    ranking = bloc_ranking(2024, campaign=campaign)
    rows = {r.unit_name: r for r in ranking.rows}
    assert set(rows) == {"Phòng Một", "Phòng Hai", "Hội Ba"}
    assert (rows["Phòng Một"].rank, rows["Phòng Hai"].rank, rows["Hội Ba"].rank) == (1, 1, 3)
    assert rows["Phòng Một"].score == Decimal("18")
    assert (rows["Hội Ba"].movement, rows["Phòng Một"].movement) == (-2, 1)
    assert "điểm thẩm định" in ranking.method_text
