"""Council arithmetic: quorum and outcome by a tier's vote rule. Pure integers, no floats, so
"exactly two thirds" and "exactly the threshold" are decided exactly."""

from __future__ import annotations

from dataclasses import dataclass

from portal.numbers import format_vn_number


def pct(value: float) -> str:
    """A share as the minutes write it: one decimal, decimal comma ("100,0%", "66,7%")."""
    return format_vn_number(round(value, 1), 1) + "%"


def pct_rule(value: float) -> str:
    """A threshold as the rule states it: "50%", "90%", "66,7%"."""
    return format_vn_number(value, max_decimals=1) + "%"


@dataclass(frozen=True)
class RuleFigures:
    quorum_numerator: int
    quorum_denominator: int
    threshold_numerator: int
    threshold_denominator: int
    threshold_inclusive: bool
    denominator: str  # all_members | present | votes_cast


@dataclass(frozen=True)
class Tally:
    members: int  # seats on the session
    recused: int
    present: int  # attending in person, recused members included (quorum is the meeting's)
    recused_present: int  # of those present, recused on this item
    written: int  # absent members who voted in writing
    agree: int
    disagree: int
    abstain: int

    @property
    def cast(self) -> int:
        return self.agree + self.disagree + self.abstain


def quorum_met(rule: RuleFigures, *, members: int, present: int) -> bool:
    """present / members ≥ quorum fraction (Circular 08/2017: at least two thirds attend)."""
    return members > 0 and present * rule.quorum_denominator >= rule.quorum_numerator * members


def base(rule: RuleFigures, tally: Tally) -> int:
    """The denominator of the threshold. Recused members are not counted in any base."""
    if rule.denominator == "all_members":
        return tally.members - tally.recused
    if rule.denominator == "present":
        return tally.present - tally.recused_present + tally.written
    return tally.cast


def outcome(rule: RuleFigures, tally: Tally) -> tuple[str, str]:
    """("passed" | "failed" | "no_quorum", Vietnamese explanation)."""
    if not quorum_met(rule, members=tally.members, present=tally.present):
        return "no_quorum", (
            f"Có {tally.present}/{tally.members} thành viên dự họp, "
            f"chưa đủ {rule.quorum_numerator}/{rule.quorum_denominator} tổng số thành viên."
        )
    denominator = base(rule, tally)
    if denominator <= 0:
        return "failed", "Không có phiếu nào để tính kết quả."
    left = tally.agree * rule.threshold_denominator
    right = rule.threshold_numerator * denominator
    passed = left >= right if rule.threshold_inclusive else left > right
    need = 100 * rule.threshold_numerator / rule.threshold_denominator
    sign = "từ" if rule.threshold_inclusive else "trên"
    share = 100 * tally.agree / denominator
    text = (
        f"{tally.agree}/{denominator} đồng ý ({pct(share)}), yêu cầu {sign} {pct_rule(need)}: "
        + ("thông qua." if passed else "không thông qua.")
    )
    return ("passed" if passed else "failed"), text
