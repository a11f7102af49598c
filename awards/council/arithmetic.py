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


# --- what the rule means in numbers, for the page before closing -----------------------------

_FRACTION_WORDS = {
    (1, 2): "một nửa",
    (2, 3): "hai phần ba",
    (3, 4): "ba phần tư",
    (1, 3): "một phần ba",
    (3, 5): "ba phần năm",
    (4, 5): "bốn phần năm",
}


def fraction_words(numerator: int, denominator: int) -> str:
    """ "hai phần ba" for 2/3; other fractions as figures ("7/10")."""
    return _FRACTION_WORDS.get((numerator, denominator), f"{numerator}/{denominator}")


def quorum_needed(rule: RuleFigures, members: int) -> int:
    """The fewest members present that make the quorum (ceil(q_num × members / q_den))."""
    return -(-rule.quorum_numerator * members // rule.quorum_denominator)


def quorum_text(rule: RuleFigures, *, members: int, present: int) -> str:
    """ "2/5 thành viên có mặt, cần ít nhất 4/5 (hai phần ba tổng số thành viên)"."""
    words = fraction_words(rule.quorum_numerator, rule.quorum_denominator)
    return (
        f"{present}/{members} thành viên có mặt, cần ít nhất "
        f"{quorum_needed(rule, members)}/{members} ({words} tổng số thành viên)"
    )


def agree_needed(rule: RuleFigures, base_count: int) -> int:
    """The fewest "agree" votes that pass on a base of `base_count`: agree × t_den ≥ t_num × base
    (inclusive), or > (exclusive)."""
    product = rule.threshold_numerator * base_count
    if rule.threshold_inclusive:
        return -(-product // rule.threshold_denominator)
    return product // rule.threshold_denominator + 1


_BASE_WORDS = {
    "all_members": "tổng số thành viên Hội đồng",
    "present": "số thành viên dự họp và biểu quyết bằng văn bản",
    "votes_cast": "số phiếu đã bỏ",
}


def threshold_text(rule: RuleFigures, tally: Tally) -> str:
    """What the threshold means for this item now, e.g. "số phiếu đồng ý phải trên 50% tổng số
    thành viên Hội đồng: cần ít nhất 3 phiếu đồng ý trên 5 thành viên (không kể 1 thành viên
    không tham gia biểu quyết)"."""
    sign = "từ" if rule.threshold_inclusive else "trên"
    need = pct_rule(100 * rule.threshold_numerator / rule.threshold_denominator)
    head = f"số phiếu đồng ý phải {sign} {need} {_BASE_WORDS.get(rule.denominator, '')}"
    denominator = base(rule, tally)
    if rule.denominator == "votes_cast":
        if denominator <= 0:
            return head + ": chưa có phiếu nào"
        return (
            f"{head}: với {denominator} phiếu đã bỏ, cần ít nhất "
            f"{agree_needed(rule, denominator)} phiếu đồng ý"
        )
    unit = "thành viên" if rule.denominator == "all_members" else "thành viên dự họp"
    text = (
        f"{head}: cần ít nhất {agree_needed(rule, denominator)} phiếu đồng ý trên "
        f"{denominator} {unit}"
    )
    if tally.recused:
        text += f" (không kể {tally.recused} thành viên không tham gia biểu quyết)"
    return text


def shortfall(rule: RuleFigures, tally: Tally) -> int:
    """How many more "agree" votes this item needs to pass (0 when it passes as it stands),
    counting each one as a vote not yet cast by a member present; `members` is the bound."""
    for extra in range(tally.members + 1):
        more = Tally(**{**tally.__dict__, "agree": tally.agree + extra})
        if outcome(rule, more)[0] == "passed":
            return extra
    return tally.members + 1


def projection_text(rule: RuleFigures, tally: Tally, *, not_voted: int) -> str:
    """ "Nếu kết thúc bây giờ: …" — the outcome the votes cast so far would give."""
    result, _ = outcome(rule, tally)
    if result == "no_quorum":
        return "Nếu kết thúc bây giờ: chưa đủ số thành viên dự họp, không thể kết thúc."
    if result == "passed":
        return f"Nếu kết thúc bây giờ: thông qua ({tally.agree} phiếu đồng ý)."
    short = shortfall(rule, tally)
    text = f"Nếu kết thúc bây giờ: không thông qua — còn thiếu {short} phiếu đồng ý"
    if short > not_voted:
        text += f"; {not_voted} thành viên chưa biểu quyết" + (
            ", nên dù tất cả đồng ý cũng không đủ" if not_voted else ""
        )
    return text + "."
