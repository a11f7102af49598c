"""Quorum and threshold arithmetic at the boundaries (pure integers)."""

from __future__ import annotations

import pytest

from awards.council import RuleFigures, Tally, base, outcome, quorum_met

TWO_THIRDS_MAJORITY = RuleFigures(2, 3, 1, 2, False, "all_members")
NINETY_PCT = RuleFigures(2, 3, 9, 10, True, "all_members")


def tally(
    members=9, present=9, agree=0, disagree=0, abstain=0, recused=0, recused_present=0, written=0
):
    return Tally(members, recused, present, recused_present, written, agree, disagree, abstain)


@pytest.mark.parametrize(
    ("members", "present", "ok"),
    [
        (9, 6, True),  # exactly two thirds
        (9, 5, False),
        (6, 4, True),  # exactly two thirds
        (7, 5, True),  # 5/7 > 2/3
        (7, 4, False),  # 4/7 < 2/3
        (0, 0, False),
    ],
)
def test_quorum_at_two_thirds(members, present, ok):
    assert quorum_met(TWO_THIRDS_MAJORITY, members=members, present=present) is ok


def test_no_quorum_gives_no_outcome():
    result, text = outcome(TWO_THIRDS_MAJORITY, tally(present=5, agree=5))
    assert result == "no_quorum"
    assert "5/9" in text


def test_simple_majority_is_strictly_more_than_half():
    assert (
        outcome(TWO_THIRDS_MAJORITY, tally(members=10, present=10, agree=5, disagree=5))[0]
        == "failed"
    )
    assert (
        outcome(TWO_THIRDS_MAJORITY, tally(members=10, present=10, agree=6, disagree=4))[0]
        == "passed"
    )


def test_ninety_percent_inclusive_at_exactly_the_threshold():
    assert outcome(NINETY_PCT, tally(members=10, present=10, agree=9, disagree=1))[0] == "passed"
    assert outcome(NINETY_PCT, tally(members=10, present=10, agree=8, disagree=2))[0] == "failed"


def test_absent_members_count_in_the_all_members_denominator():
    # 9 members, 6 present (quorum), 5 agree: 5/9 > 1/2 passes; written votes are counted.
    t = tally(members=9, present=6, agree=5, disagree=1, written=0)
    assert base(TWO_THIRDS_MAJORITY, t) == 9
    assert outcome(TWO_THIRDS_MAJORITY, t)[0] == "passed"
    t = tally(members=9, present=6, agree=4, disagree=2)
    assert outcome(TWO_THIRDS_MAJORITY, t)[0] == "failed"


def test_recused_members_leave_the_denominator():
    t = tally(members=5, present=5, agree=2, disagree=1, recused=1, recused_present=1)
    assert base(TWO_THIRDS_MAJORITY, t) == 4
    assert outcome(TWO_THIRDS_MAJORITY, t)[0] == "failed"  # 2/4 is not more than half
    t = tally(members=5, present=5, agree=3, disagree=1, recused=1, recused_present=1)
    assert outcome(TWO_THIRDS_MAJORITY, t)[0] == "passed"


def test_denominator_of_present_members_and_of_votes_cast():
    present_rule = RuleFigures(2, 3, 1, 2, False, "present")
    cast_rule = RuleFigures(2, 3, 1, 2, False, "votes_cast")
    t = tally(members=9, present=6, written=1, agree=4, disagree=1, abstain=2)
    assert base(present_rule, t) == 7
    assert outcome(present_rule, t)[0] == "passed"  # 4/7
    assert base(cast_rule, t) == 7
    t = tally(members=9, present=6, agree=3, disagree=3)
    assert outcome(cast_rule, t)[0] == "failed"  # 3/6 is not more than half
