"""Award eligibility: evaluates rule rows (data with effective dates) on a nominee's history.

Pure: no request code, no queries. `history_for(...)` in selectors builds the `History`;
`evaluate(rules, history, ...)` returns one `RuleResult` per rule in force, each explained in
Vietnamese: met, not met, or cannot tell (data missing).

Rule parameters (EligibilityRule.params), by kind:
- prior_award: {"tiers": [codes], "within_years": N|null, "exclude_thematic": true}
- consecutive_ratings: {"years": N, "min_rating": "httnv", "since_prior_award": bool}
- rating_count: {"count": K, "rating": "htxsnv", "window_years": N}
- title_count: {"tier": code, "count": K, "window_years": N, "consecutive": bool}
- initiatives: {"count": K, "window_years": N}
- no_pending_case: {}
- women_priority: {"collective_share_pct": 70}  (never blocks; a tie-breaker flag)
- members: {"all_done": true, "min_advanced_pct": 70, "min_fighters": 1, "no_discipline": true}
  (collective titles: read from the dossier's figures, `History.facts`)
- movement: {}  (achievement in a campaign, by period or theme: the dossier's evidence)
- title_quota: {"of_tier": code, "max_pct": 15}  (the unit's share of a title in the year)
Any rule may carry {"route": "merit" | "movement"}: it applies only to nominations on that
route (merit: the yearly review; movement: a campaign's preliminary or final review, Law 06/2022
Art. 75 and 74 — awards for achievement in a movement need no yearly rating).
Any rating_count rule may carry {"or_initiatives": K}: met also by K unused initiatives
(CSTĐCS from 2024: "hoàn thành xuất sắc nhiệm vụ hoặc có sáng kiến", Law 06/2022 Art. 23).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from portal.numbers import format_vn_number

MET = "met"
NOT_MET = "not_met"
UNKNOWN = "unknown"
INFO = "info"

STATUS_LABELS = {
    MET: "Đạt",
    NOT_MET: "Chưa đạt",
    UNKNOWN: "Chưa đủ dữ liệu để kết luận",
    INFO: "Thông tin",
}


def _pct(value: float) -> str:
    """A percentage as a rule states it: 70, 12,5 (at most two decimals)."""
    return format_vn_number(value, max_decimals=2)


def status_words(status: str) -> dict:
    """What a page shows of a rule's verdict: its label and which verdict it is."""
    return {
        "status_label": STATUS_LABELS.get(status, status),
        "is_met": status == MET,
        "is_not_met": status == NOT_MET,
        "is_unknown": status == UNKNOWN,
    }


RATING_RANK = {"htxsnv": 3, "httnv": 2, "htnv": 1, "khong_hoan_thanh": 0}
RATING_LABEL = {
    "htxsnv": "hoàn thành xuất sắc nhiệm vụ",
    "httnv": "hoàn thành tốt nhiệm vụ",
    "htnv": "hoàn thành nhiệm vụ",
    "khong_hoan_thanh": "không hoàn thành nhiệm vụ",
}


@dataclass(frozen=True)
class PastAward:
    tier_code: str
    tier_name: str
    year: int
    decision_date: datetime.date
    decision_number: str
    category: str  # merit | thematic | ad_hoc


@dataclass(frozen=True)
class Case:
    kind_label: str
    opened_on: datetime.date
    closed_on: datetime.date | None


@dataclass(frozen=True)
class Initiative:
    pk: int
    title: str
    year: int
    used_by_other_award: bool


@dataclass
class History:
    awards: list[PastAward] = field(default_factory=list)
    ratings: dict[int, str] = field(default_factory=dict)  # year -> rating code
    cases: list[Case] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    is_female: bool | None = None  # individuals
    female_share_pct: float | None = None  # collectives
    # Figures the dossier declares (collectives): members, members_done, members_advanced,
    # members_fighters, members_disciplined. Missing key: cannot tell.
    facts: dict = field(default_factory=dict)
    # Movement evidence linked to the nomination (assessments, contributions, exemplars).
    movement_evidence: int = 0
    # title_quota: {tier code: count} of the same proposer unit and year (awards + nominations
    # under way, this one included).
    unit_titles: dict = field(default_factory=dict)


MERIT = "merit"
MOVEMENT = "movement"


@dataclass(frozen=True)
class Rule:
    """What `evaluate` needs of an EligibilityRule row."""

    pk: int
    kind: str
    params: dict
    nominee_kinds: Sequence[str]
    valid_from: datetime.date
    valid_to: datetime.date | None
    legal_basis: str = ""

    def in_force_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass
class RuleResult:
    rule_id: int
    kind: str
    status: str
    text: str
    legal_basis: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def as_dict(self) -> dict:
        return asdict(self)


def rules_in_force(rules: Iterable[Rule], day: datetime.date, nominee_kind: str) -> list[Rule]:
    """The rules that apply on `day` to this kind of nominee (effective-date switch)."""
    return [
        r
        for r in rules
        if r.in_force_on(day) and (not r.nominee_kinds or nominee_kind in r.nominee_kinds)
    ]


def evaluate(
    rules: Iterable[Rule],
    history: History,
    *,
    reference_date: datetime.date,
    nominee_kind: str,
    tier_names: dict[str, str] | None = None,
    route: str = MERIT,
) -> list[RuleResult]:
    """Check every rule in force on `reference_date`; the last year counted is the year before
    the reference date's year when the reference date is in January–June, else that year —
    simplified here to `reference_date.year` (the period being reviewed)."""
    names = tier_names or {}
    results = []
    for rule in rules_in_force(rules, reference_date, nominee_kind):
        if rule.params.get("route", route) != route:
            continue
        check = _CHECKS[rule.kind]
        status, text = check(rule.params, history, reference_date, names)
        results.append(RuleResult(rule.pk, rule.kind, status, text, rule.legal_basis))
    return results


def verdict(results: Sequence[RuleResult]) -> bool | None:
    """True: every blocking rule met; False: one not met; None: some cannot be told."""
    statuses = {r.status for r in results if r.status != INFO}
    if NOT_MET in statuses:
        return False
    if UNKNOWN in statuses:
        return None
    return True


# --- the checks -----------------------------------------------------------------------------


def _counted_awards(history: History, params: dict) -> list[PastAward]:
    if params.get("exclude_thematic", True):
        return [a for a in history.awards if a.category == "merit"]
    return list(history.awards)


def _tier_list(codes: Sequence[str], names: dict[str, str]) -> str:
    return " hoặc ".join(f"“{names.get(c, c)}”" for c in codes)


def _latest_prior(history: History, params: dict, ref: datetime.date) -> PastAward | None:
    tiers = set(params.get("tiers", []))
    found = [
        a
        for a in _counted_awards(history, params)
        if a.tier_code in tiers and a.decision_date <= ref
    ]
    return max(found, key=lambda a: a.decision_date) if found else None


def _check_prior_award(params, history, ref, names):
    tiers = params.get("tiers", [])
    prior = _latest_prior(history, params, ref)
    excluded = (
        [a for a in history.awards if a.tier_code in set(tiers) and a.category != "merit"]
        if params.get("exclude_thematic", True)
        else []
    )
    wanted = _tier_list(tiers, names)
    if prior is None:
        note = ""
        if excluded:
            note = (
                f" (Có {len(excluded)} khen thưởng theo đợt, chuyên đề hoặc đột xuất nhưng không "
                "được tính làm căn cứ khen thưởng theo công trạng.)"
            )
        return NOT_MET, f"Chưa có {wanted} trong lịch sử khen thưởng.{note}"
    within = params.get("within_years")
    if within and ref.year - prior.year > within:
        return NOT_MET, (
            f"Đã có {names.get(prior.tier_code, prior.tier_name)} năm {prior.year}, nhưng quá "
            f"{within} năm tính đến năm {ref.year}."
        )
    return MET, (
        f"Đã được tặng {names.get(prior.tier_code, prior.tier_name)} theo Quyết định số "
        f"{prior.decision_number} ngày {prior.decision_date:%d/%m/%Y}."
    )


def _check_consecutive(params, history, ref, names):
    years = int(params.get("years", 1))
    minimum = params.get("min_rating", "httnv")
    end = ref.year
    start = end - years + 1
    if params.get("since_prior_award"):
        prior = _latest_prior(history, {**params, "tiers": params.get("prior_tiers", [])}, ref)
        if prior is not None:
            start = max(start, prior.year + 1)
            if end - prior.year < years:
                return NOT_MET, (
                    f"Từ khi nhận khen thưởng năm {prior.year} đến năm {end} chưa đủ {years} năm."
                )
    wanted = RATING_LABEL.get(minimum, minimum)
    missing = [y for y in range(start, end + 1) if y not in history.ratings]
    below = [
        y
        for y in range(start, end + 1)
        if y in history.ratings and RATING_RANK[history.ratings[y]] < RATING_RANK[minimum]
    ]
    if below:
        listed = ", ".join(str(y) for y in below)
        return (
            NOT_MET,
            f"Năm {listed} xếp loại dưới mức “{wanted}” nên chưa đủ {years} năm liên tục.",
        )
    if missing:
        listed = ", ".join(str(y) for y in missing)
        return UNKNOWN, f"Thiếu kết quả xếp loại năm {listed} để xác định {years} năm liên tục."
    return MET, f"Từ năm {start} đến năm {end}: {years} năm liên tục đạt từ mức “{wanted}” trở lên."


def _check_rating_count(params, history, ref, names):
    count = int(params.get("count", 1))
    rating = params.get("rating", "htxsnv")
    window = int(params.get("window_years", 5))
    years = range(ref.year - window + 1, ref.year + 1)
    hits = [y for y in years if history.ratings.get(y) == rating]
    label = RATING_LABEL.get(rating, rating)
    alt = int(params.get("or_initiatives", 0))
    if alt and len(hits) < count:
        usable = [
            i
            for i in history.initiatives
            if ref.year - window < i.year <= ref.year and not i.used_by_other_award
        ]
        if len(usable) >= alt:
            return MET, (
                f"Chưa có năm “{label}” nhưng có sáng kiến được công nhận: "
                + "; ".join(f"“{i.title}”" for i in usable[:alt])
                + "."
            )
    if len(hits) >= count:
        return MET, (
            f"Có {len(hits)} năm “{label}” trong {window} năm gần nhất "
            f"({', '.join(map(str, hits))}); cần {count}."
        )
    missing = [y for y in years if y not in history.ratings]
    if len(hits) + len(missing) >= count and missing:
        return UNKNOWN, (
            f"Mới có {len(hits)}/{count} năm “{label}”; thiếu kết quả xếp loại năm "
            f"{', '.join(map(str, missing))}."
        )
    return NOT_MET, f"Chỉ có {len(hits)} năm “{label}” trong {window} năm gần nhất; cần {count}."


def _check_title_count(params, history, ref, names):
    code = params.get("tier", "")
    count = int(params.get("count", 1))
    window = int(params.get("window_years", 5))
    title = names.get(code, code)
    years = sorted(
        {
            a.year
            for a in _counted_awards(history, params)
            if a.tier_code == code and ref.year - window < a.year <= ref.year
        }
    )
    if params.get("consecutive"):
        best = run = 0
        for i, y in enumerate(years):
            run = run + 1 if i and years[i - 1] == y - 1 else 1
            best = max(best, run)
        if best >= count:
            return MET, f"Đạt “{title}” {best} năm liên tục ({', '.join(map(str, years))})."
        return NOT_MET, (
            f"Chưa đạt “{title}” {count} năm liên tục trong {window} năm gần nhất "
            f"(đã có: {', '.join(map(str, years)) or 'không có'})."
        )
    if len(years) >= count:
        return MET, (
            f"Có {len(years)} lần đạt “{title}” trong {window} năm gần nhất "
            f"({', '.join(map(str, years))}); cần {count}."
        )
    return NOT_MET, (
        f"Chỉ có {len(years)} lần đạt “{title}” trong {window} năm gần nhất; cần {count}."
    )


def _check_initiatives(params, history, ref, names):
    count = int(params.get("count", 1))
    window = int(params.get("window_years", 5))
    in_window = [i for i in history.initiatives if ref.year - window < i.year <= ref.year]
    usable = [i for i in in_window if not i.used_by_other_award]
    used = [i for i in in_window if i.used_by_other_award]
    note = ""
    if used:
        note = (
            " Không tính: "
            + "; ".join(f"“{i.title}”" for i in used)
            + " (đã dùng làm căn cứ cho khen thưởng khác — mỗi sáng kiến chỉ dùng một lần)."
        )
    if len(usable) >= count:
        return MET, f"Có {len(usable)} sáng kiến chưa dùng cho khen thưởng khác; cần {count}.{note}"
    return NOT_MET, f"Chỉ có {len(usable)} sáng kiến dùng được; cần {count}.{note}"


def _check_no_pending(params, history, ref, names):
    pending = [
        c
        for c in history.cases
        if c.opened_on <= ref and (c.closed_on is None or c.closed_on > ref)
    ]
    if pending:
        what = "; ".join(f"{c.kind_label} từ {c.opened_on:%d/%m/%Y}" for c in pending)
        return NOT_MET, f"Không được đề nghị khen thưởng: {what}."
    return MET, "Không có vụ việc kỷ luật, thanh tra, khiếu nại, tố cáo đang xem xét."


def _check_women_priority(params, history, ref, names):
    share = float(params.get("collective_share_pct", 70))
    if history.is_female is True:
        return INFO, "Cá nhân nữ: được ưu tiên khi các trường hợp có thành tích ngang nhau."
    if history.female_share_pct is not None and history.female_share_pct >= share:
        return INFO, (
            f"Tập thể có {_pct(history.female_share_pct)}% thành viên là nữ "
            f"(từ {_pct(share)}% trở lên): "
            "được ưu tiên khi ngang nhau."
        )
    if history.is_female is None and history.female_share_pct is None:
        return INFO, "Chưa có dữ liệu giới tính để xét ưu tiên nữ."
    return INFO, "Không thuộc diện ưu tiên nữ."


def _check_members(params, history, ref, names):
    f = history.facts or {}
    keys = ["members"]
    if params.get("all_done"):
        keys.append("members_done")
    if params.get("min_advanced_pct") is not None:
        keys.append("members_advanced")
    if params.get("min_fighters"):
        keys.append("members_fighters")
    if params.get("no_discipline"):
        keys.append("members_disciplined")
    missing = [k for k in keys if f.get(k) is None]
    if missing:
        wanted = ", ".join(FACT_LABELS[k] for k in missing)
        return UNKNOWN, f"Hồ sơ chưa kê khai: {wanted}."
    total = int(f["members"])
    problems, good = [], []
    if total <= 0:
        return NOT_MET, "Hồ sơ kê khai tập thể không có thành viên."
    if params.get("all_done"):
        done = int(f["members_done"])
        if done < total:
            problems.append(f"mới có {done}/{total} thành viên hoàn thành nhiệm vụ (cần 100%)")
        else:
            good.append(f"{done}/{total} thành viên hoàn thành nhiệm vụ")
    pct = params.get("min_advanced_pct")
    if pct is not None:
        adv = int(f["members_advanced"])
        share = 100 * adv / total
        strict = params.get("advanced_strict", False)
        ok = share > pct if strict else share >= pct
        sign = "trên" if strict else "ít nhất"
        text = f"{adv}/{total} thành viên ({format_vn_number(share, 1)}%)"
        if ok:
            good.append(f"{text} đạt “Lao động tiên tiến”")
        else:
            problems.append(f"chỉ {text} đạt “Lao động tiên tiến” (cần {sign} {pct}%)")
    need = int(params.get("min_fighters", 0))
    if need:
        have = int(f["members_fighters"])
        if have < need:
            problems.append("không có thành viên đạt “Chiến sĩ thi đua cơ sở”")
        else:
            good.append(f"{have} thành viên đạt “Chiến sĩ thi đua cơ sở”")
    if params.get("no_discipline"):
        bad = int(f["members_disciplined"])
        if bad:
            problems.append(f"{bad} thành viên bị kỷ luật từ hình thức cảnh cáo trở lên")
        else:
            good.append("không có thành viên bị kỷ luật từ cảnh cáo trở lên")
    if problems:
        return NOT_MET, "Tập thể " + "; ".join(problems) + "."
    return MET, "Tập thể có " + "; ".join(good) + "."


FACT_LABELS = {
    "members": "tổng số thành viên",
    "members_done": "số thành viên hoàn thành nhiệm vụ",
    "members_advanced": "số thành viên đạt “Lao động tiên tiến”",
    "members_fighters": "số thành viên đạt “Chiến sĩ thi đua cơ sở”",
    "members_disciplined": "số thành viên bị kỷ luật từ cảnh cáo trở lên",
}


def _check_movement(params, history, ref, names):
    if history.movement_evidence:
        return MET, (
            f"Có {history.movement_evidence} kết quả, đóng góp, điển hình trong phong trào "
            "làm căn cứ (khen thưởng theo đợt, chuyên đề: không cần kết quả xếp loại hằng năm)."
        )
    return UNKNOWN, (
        "Chưa gắn kết quả đánh giá, đóng góp hoặc điển hình nào của phong trào vào hồ sơ."
    )


def _check_title_quota(params, history, ref, names):
    base_code = params.get("of_tier", "")
    max_pct = float(params.get("max_pct", 15))
    counted = history.unit_titles or {}
    base = int(counted.get(base_code, 0))
    mine = int(counted.get("_self", 0))
    base_name = names.get(base_code, base_code)
    if base == 0:
        return UNKNOWN, (
            f"Đơn vị chưa có số cá nhân đạt “{base_name}” năm {ref.year} để tính tỷ lệ "
            f"(tối đa {_pct(max_pct)}%)."
        )
    share = 100 * mine / base
    text = f"{mine}/{base} ({format_vn_number(share, 1)}%)"
    if share > max_pct:
        return NOT_MET, (
            f"Đơn vị đề nghị {text} so với số cá nhân đạt “{base_name}”, "
            f"vượt tỷ lệ {_pct(max_pct)}%."
        )
    return MET, (
        f"Tỷ lệ của đơn vị {text} số cá nhân đạt “{base_name}”, trong mức {_pct(max_pct)}%."
    )


_CHECKS = {
    "prior_award": _check_prior_award,
    "consecutive_ratings": _check_consecutive,
    "rating_count": _check_rating_count,
    "title_count": _check_title_count,
    "initiatives": _check_initiatives,
    "no_pending_case": _check_no_pending,
    "women_priority": _check_women_priority,
    "members": _check_members,
    "movement": _check_movement,
    "title_quota": _check_title_quota,
}
