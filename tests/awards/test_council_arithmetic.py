"""Quorum and threshold arithmetic at the boundaries (pure integers)."""

from __future__ import annotations

import pytest

from awards.council.arithmetic import (
    RuleFigures,
    Tally,
    agree_needed,
    base,
    outcome,
    projection_text,
    quorum_met,
    quorum_needed,
    quorum_text,
    threshold_text,
)

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


# --- what the rule means in numbers (the page before closing) ---------------------------------


def _rule(qn=2, qd=3, tn=1, td=2, inclusive=False, denominator="all_members"):
    return RuleFigures(qn, qd, tn, td, inclusive, denominator)


def _tally(**kw):
    base = {
        "members": 5,
        "recused": 0,
        "present": 5,
        "recused_present": 0,
        "written": 0,
        "agree": 0,
        "disagree": 0,
        "abstain": 0,
    }
    return Tally(**{**base, **kw})


def test_quorum_needed_rounds_up():
    assert [quorum_needed(_rule(), n) for n in (3, 4, 5, 6, 7)] == [2, 3, 4, 4, 5]
    assert quorum_text(_rule(), members=5, present=2) == (
        "2/5 thành viên có mặt, cần ít nhất 4/5 (hai phần ba tổng số thành viên)"
    )


def test_agree_needed_for_more_than_half_and_at_least_ninety_percent():
    assert [agree_needed(_rule(), n) for n in (4, 5, 6)] == [3, 3, 4]
    assert [agree_needed(_rule(tn=9, td=10, inclusive=True), n) for n in (5, 9, 10)] == [5, 9, 9]


def test_threshold_text_counts_over_all_members_less_the_recused():
    assert threshold_text(_rule(), _tally(recused=1)) == (
        "số phiếu đồng ý phải trên 50% tổng số thành viên Hội đồng: cần ít nhất 3 phiếu đồng ý "
        "trên 4 thành viên (không kể 1 thành viên không tham gia biểu quyết)"
    )


def test_projection_says_how_many_agree_votes_are_missing():
    rule = _rule()
    assert projection_text(rule, _tally(recused=1, agree=1), not_voted=3) == (
        "Nếu kết thúc bây giờ: không thông qua — còn thiếu 2 phiếu đồng ý."
    )
    assert projection_text(rule, _tally(agree=1, disagree=3), not_voted=1) == (
        "Nếu kết thúc bây giờ: không thông qua — còn thiếu 2 phiếu đồng ý; 1 thành viên chưa "
        "biểu quyết, nên dù tất cả đồng ý cũng không đủ."
    )
    assert projection_text(rule, _tally(agree=3), not_voted=2) == (
        "Nếu kết thúc bây giờ: thông qua (3 phiếu đồng ý)."
    )
