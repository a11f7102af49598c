"""Each eligibility rule on hand-made histories, including the effective-date switch."""

from __future__ import annotations

import datetime

import pytest

from awards import eligibility as el

D = datetime.date
REF = D(2025, 12, 31)


START = D(2017, 1, 1)


def rule(kind, params=None, *, start=START, end=None, kinds=()):
    return el.Rule(
        pk=1, kind=kind, params=params or {}, nominee_kinds=kinds, valid_from=start, valid_to=end
    )


def award(code, year, category="merit", day=None):
    return el.PastAward(code, code, year, day or D(year, 12, 1), f"{year}/QĐ", category)


def check(r, history, ref=REF, kind="individual"):
    results = el.evaluate([r], history, reference_date=ref, nominee_kind=kind)
    assert len(results) == 1
    return results[0]


class TestPriorAward:
    params = {"tiers": ["bang-khen-chu-tich-tinh"]}

    def test_met_with_a_merit_award(self):
        res = check(
            rule("prior_award", self.params),
            el.History(awards=[award("bang-khen-chu-tich-tinh", 2019)]),
        )
        assert res.status == el.MET
        assert "2019/QĐ" in res.text

    def test_thematic_award_does_not_count_toward_merit_award(self):
        history = el.History(awards=[award("bang-khen-chu-tich-tinh", 2019, category="thematic")])
        res = check(rule("prior_award", self.params), history)
        assert res.status == el.NOT_MET
        assert "chuyên đề" in res.text

    def test_not_met_when_outside_the_window(self):
        history = el.History(awards=[award("bang-khen-chu-tich-tinh", 2015)])
        res = check(rule("prior_award", {**self.params, "within_years": 5}), history)
        assert res.status == el.NOT_MET


class TestConsecutiveRatings:
    def test_five_years_good_or_better(self):
        history = el.History(
            ratings={2021: "httnv", 2022: "htxsnv", 2023: "httnv", 2024: "httnv", 2025: "htxsnv"}
        )
        res = check(rule("consecutive_ratings", {"years": 5, "min_rating": "httnv"}), history)
        assert res.status == el.MET

    def test_one_year_below_breaks_the_run(self):
        history = el.History(
            ratings={2021: "httnv", 2022: "htnv", 2023: "httnv", 2024: "httnv", 2025: "httnv"}
        )
        res = check(rule("consecutive_ratings", {"years": 5, "min_rating": "httnv"}), history)
        assert res.status == el.NOT_MET
        assert "2022" in res.text

    def test_missing_year_cannot_tell(self):
        history = el.History(ratings={2021: "httnv", 2022: "httnv", 2024: "httnv", 2025: "httnv"})
        res = check(rule("consecutive_ratings", {"years": 5, "min_rating": "httnv"}), history)
        assert res.status == el.UNKNOWN
        assert "2023" in res.text

    def test_counted_since_the_prior_award(self):
        history = el.History(
            awards=[award("bang-khen-thu-tuong", 2022)],
            ratings=dict.fromkeys(range(2018, 2026), "htxsnv"),
        )
        params = {
            "years": 5,
            "min_rating": "httnv",
            "since_prior_award": True,
            "prior_tiers": ["bang-khen-thu-tuong"],
        }
        res = check(rule("consecutive_ratings", params), history)
        assert res.status == el.NOT_MET
        assert "chưa đủ 5 năm" in res.text


class TestRatingCount:
    def test_exactly_the_count_is_enough(self):
        history = el.History(
            ratings={2024: "htxsnv", 2025: "httnv", 2023: "httnv", 2022: "httnv", 2021: "httnv"}
        )
        assert (
            check(
                rule("rating_count", {"count": 1, "rating": "htxsnv", "window_years": 5}), history
            ).status
            == el.MET
        )

    def test_one_short_is_not_enough(self):
        history = el.History(ratings=dict.fromkeys(range(2021, 2026), "httnv"))
        res = check(
            rule("rating_count", {"count": 1, "rating": "htxsnv", "window_years": 5}), history
        )
        assert res.status == el.NOT_MET

    def test_missing_years_cannot_tell(self):
        history = el.History(ratings={2025: "httnv"})
        res = check(
            rule("rating_count", {"count": 1, "rating": "htxsnv", "window_years": 5}), history
        )
        assert res.status == el.UNKNOWN


class TestTitleCount:
    params = {"tier": "chien-si-thi-dua-co-so", "count": 3, "window_years": 5}

    def test_three_titles_in_window(self):
        history = el.History(
            awards=[award("chien-si-thi-dua-co-so", y) for y in (2021, 2023, 2025)]
        )
        assert check(rule("title_count", self.params), history).status == el.MET

    def test_title_outside_window_not_counted(self):
        history = el.History(
            awards=[award("chien-si-thi-dua-co-so", y) for y in (2020, 2023, 2025)]
        )
        res = check(rule("title_count", self.params), history)
        assert res.status == el.NOT_MET
        assert "Chỉ có 2 lần" in res.text

    def test_consecutive_titles(self):
        params = {
            "tier": "chien-si-thi-dua-co-so",
            "count": 2,
            "window_years": 5,
            "consecutive": True,
        }
        gap = el.History(awards=[award("chien-si-thi-dua-co-so", y) for y in (2021, 2023)])
        run = el.History(awards=[award("chien-si-thi-dua-co-so", y) for y in (2024, 2025)])
        assert check(rule("title_count", params), gap).status == el.NOT_MET
        assert check(rule("title_count", params), run).status == el.MET

    def test_emulation_titles_and_award_forms_are_not_mixed(self):
        history = el.History(
            awards=[award("giay-khen-chu-tich-thi-xa", y) for y in (2023, 2024, 2025)]
        )
        assert check(rule("title_count", self.params), history).status == el.NOT_MET


class TestInitiatives:
    def test_an_initiative_used_for_another_award_is_not_counted(self):
        history = el.History(
            initiatives=[
                el.Initiative(1, "Sáng kiến A", 2024, used_by_other_award=True),
                el.Initiative(2, "Sáng kiến B", 2025, used_by_other_award=False),
            ]
        )
        res = check(rule("initiatives", {"count": 2, "window_years": 2}), history)
        assert res.status == el.NOT_MET
        assert "Sáng kiến A" in res.text
        assert "một lần" in res.text

    def test_unused_initiatives_are_enough(self):
        history = el.History(
            initiatives=[el.Initiative(i, f"SK {i}", 2025, False) for i in range(2)]
        )
        assert check(rule("initiatives", {"count": 2, "window_years": 2}), history).status == el.MET


class TestPendingCase:
    def test_pending_discipline_blocks(self):
        history = el.History(cases=[el.Case("Đang xem xét kỷ luật", D(2025, 10, 1), None)])
        res = check(rule("no_pending_case"), history)
        assert res.status == el.NOT_MET
        assert "kỷ luật" in res.text

    def test_closed_case_does_not_block(self):
        history = el.History(
            cases=[el.Case("Đang giải quyết khiếu nại, tố cáo", D(2024, 1, 1), D(2024, 6, 1))]
        )
        assert check(rule("no_pending_case"), history).status == el.MET


class TestWomenPriority:
    def test_is_a_flag_not_a_condition(self):
        results = el.evaluate(
            [rule("women_priority", {"collective_share_pct": 70})],
            el.History(female_share_pct=75.0),
            reference_date=REF,
            nominee_kind="collective",
        )
        assert results[0].status == el.INFO
        assert "ưu tiên" in results[0].text
        assert el.verdict(results) is True

    def test_missing_gender_is_said(self):
        res = check(rule("women_priority"), el.History())
        assert "Chưa có dữ liệu" in res.text


class TestEffectiveDates:
    """Decree 91/2017 (5 initiatives) until 31/12/2023; Law 06/2022 (3 CSTĐCS) from 1/1/2024."""

    old = rule("initiatives", {"count": 5, "window_years": 5}, end=D(2023, 12, 31))
    new = rule(
        "title_count",
        {"tier": "chien-si-thi-dua-co-so", "count": 3, "window_years": 5},
        start=D(2024, 1, 1),
    )
    history = el.History(awards=[award("chien-si-thi-dua-co-so", y) for y in (2021, 2022, 2023)])

    def test_old_rules_apply_on_31_december_2023(self):
        results = el.evaluate(
            [self.old, self.new],
            self.history,
            reference_date=D(2023, 12, 31),
            nominee_kind="individual",
        )
        assert [r.kind for r in results] == ["initiatives"]
        assert el.verdict(results) is False

    def test_new_rules_apply_from_1_january_2024(self):
        results = el.evaluate(
            [self.old, self.new],
            self.history,
            reference_date=D(2024, 1, 1),
            nominee_kind="individual",
        )
        assert [r.kind for r in results] == ["title_count"]
        assert el.verdict(results) is True

    def test_rules_limited_to_a_nominee_kind(self):
        r = rule("no_pending_case", kinds=("individual",))
        assert el.evaluate([r], el.History(), reference_date=REF, nominee_kind="collective") == []


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["met", "info"], True),
        (["met", "unknown"], None),
        (["unknown", "not_met"], False),
    ],
)
def test_verdict(statuses, expected):
    results = [el.RuleResult(1, "k", s, "") for s in statuses]
    assert el.verdict(results) is expected
