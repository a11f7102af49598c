"""Report sections fed by the awards and oversight apps, and the OCOP products / jobs carried by
the enterprises' assessments. Registered with `content.register_section` from
ReportsConfig.ready(). Each gatherer returns None when its data is absent (no fake numbers).

Part keys: "results" (Kết quả thực hiện phong trào), "oversight" (Công tác kiểm tra, giám sát),
"awards" (Công tác khen thưởng).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Q

from campaigns.models import AssessmentItem, AssessmentStatus, TargetGroup, ValueType
from campaigns.oversight.selectors import report_facts
from portal.templatetags.portal_tags import num, vnd

from .content import P, Scope, Section, Table, _num, register_section

NARRATIVE = P + "narrative.html"


def _period_words(scope: Scope) -> str:
    return f"giai đoạn {scope.first_year}–{scope.year}" if scope.is_period else f"năm {scope.year}"


def _date(day) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


# --- Awards -------------------------------------------------------------------------------------


def campaign_awards(scope: Scope) -> list:
    """The awards of the campaign whose achievement year (`Award.year`, the nomination's year) is
    in the report's years, whatever level decided them: the town's decisions, the answers of
    higher levels to the town's forwarding letters, and the history recorded (imported or typed)
    for the campaign. One rule with the statistics page (awards by year of achievement): an
    award decided in 2026 for 2025 achievements is in the 2025 reports (docs/reports.md)."""
    from awards.models import Award

    def compute():
        rows = list(
            Award.objects.filter(
                Q(campaign=scope.campaign)
                | Q(decision__campaign=scope.campaign)
                | Q(nomination__campaign=scope.campaign),
                year__gte=scope.first_year,
                year__lte=scope.year,
            )
            .select_related("tier", "unit", "person__affiliation")
            .order_by("tier__order", "tier__name", "year", "decision_date", "pk")
        )
        scope.sample_rows += sum(a.is_sample for a in rows)
        return rows

    return scope.cached("campaign_awards", compute)


def _forwarded(scope: Scope) -> list:
    """Cases the town sent up (tờ trình) for the report's years still awaiting the answer."""
    from awards.models import Nomination, NominationStatus

    return list(
        Nomination.objects.filter(
            campaign=scope.campaign,
            status=NominationStatus.FORWARDED,
            period_year__gte=scope.first_year,
            period_year__lte=scope.year,
        )
        .select_related("tier", "forwarding")
        .order_by("tier__order", "pk")
    )


def section_awards(scope: Scope) -> Section | None:
    """Awards for achievements in the period: counts per level and tier, and the list."""
    from awards.models import TierLevel

    awards = campaign_awards(scope)
    forwarded = _forwarded(scope)
    scope.sample_rows += sum(n.is_sample for n in forwarded)
    if not awards and not forwarded:
        return None
    per_tier: dict[int, dict[str, Any]] = {}
    for a in awards:
        row = per_tier.setdefault(
            a.tier_id,
            {
                "name": a.tier.name,
                "level": a.tier.get_level_display(),
                "kind": a.tier.get_kind_display(),
                "is_title": a.tier.kind == "title",
                "order": a.tier.order,
                "c": 0,
                "i": 0,
            },
        )
        row["i" if a.person_id else "c"] += 1
    # Emulation titles first, then award forms (Law 06/2022 Chapters II and III): never summed
    # under one word.
    per_tier = dict(
        sorted(per_tier.items(), key=lambda kv: (not kv[1]["is_title"], kv[1]["order"]))
    )
    count_rows = [
        [i, r["name"], r["level"], r["c"], r["i"], r["c"] + r["i"]]
        for i, r in enumerate(per_tier.values(), start=1)
    ]
    collectives = sum(r["c"] for r in per_tier.values())
    individuals = sum(r["i"] for r in per_tier.values())
    list_rows = []
    for i, a in enumerate(awards, start=1):
        name = a.recipient_name
        if a.person_id and a.person.position:
            name += f", {a.person.position}"
        if a.person_id and a.person.affiliation_id:
            name += f", {a.person.affiliation.name}"
        decision = f"Số {a.decision_number}" + (
            f" ngày {_date(a.decision_date)}" if a.decision_date else ""
        )
        list_rows.append([i, name, a.tier.name, str(a.year), decision])
    level_words = {
        TierLevel.STATE: "cấp Nhà nước",
        TierLevel.GOVERNMENT: "Thủ tướng Chính phủ",
        TierLevel.MINISTRY: "cấp bộ, ban, ngành, đoàn thể Trung ương",
        TierLevel.PROVINCE: "cấp tỉnh",
        TierLevel.TOWN: "cấp thị xã",
        TierLevel.COMMUNE: "cấp xã",
    }
    per_level = Counter(a.tier.level for a in awards)
    paragraphs = []
    if awards:
        by_level = "; ".join(
            f"{words}: {num(per_level[level])}"
            for level, words in level_words.items()
            if per_level.get(level)
        )
        titles = [r for r in per_tier.values() if r["is_title"]]
        forms = [r for r in per_tier.values() if not r["is_title"]]
        # A title is conferred ("tặng danh hiệu"), a form is an award ("khen thưởng"): Law
        # 06/2022 Art. 3; the sentence says which, and lists each group under its own name.
        verb = (
            "tặng danh hiệu thi đua, khen thưởng"
            if titles and forms
            else ("tặng danh hiệu thi đua cho" if titles else "khen thưởng")
        )
        groups = []
        for label, rows in (("danh hiệu thi đua", titles), ("hình thức khen thưởng", forms)):
            if rows:
                listed = "; ".join(f"{r['name']}: {num(r['c'] + r['i'])}" for r in rows)
                groups.append(f"{label} — {listed}" if titles and forms else listed)
        paragraphs.append(
            f"Với thành tích {_period_words(scope)}, các cấp đã {verb} {num(len(awards))} "
            f"lượt tập thể, cá nhân có thành tích trong phong trào thi đua ({num(collectives)} "
            f"lượt tập thể, hộ gia đình; {num(individuals)} lượt cá nhân); theo cấp khen thưởng: "
            f"{by_level}; gồm: {'; '.join(groups)}. Danh sách cụ thể tại phụ lục kèm theo."
        )
    else:
        paragraphs.append(
            f"Chưa có quyết định khen thưởng nào ghi trên hệ thống cho thành tích "
            f"{_period_words(scope)}."
        )
    higher = [lv for lv in per_level if lv != TierLevel.TOWN and lv != TierLevel.COMMUNE]
    if not higher:
        paragraphs.append(
            "Chưa có số liệu trên hệ thống về khen thưởng của cấp trên (tỉnh, Trung ương) "
            f"đối với thành tích {_period_words(scope)}."
        )
    if forwarded:
        letters = sorted({n.forwarding.number for n in forwarded if n.forwarding_id})
        paragraphs.append(
            f"Đã trình cấp trên khen thưởng {num(len(forwarded))} trường hợp"
            + (f" (Tờ trình số {', '.join(letters)})" if letters else "")
            + ", đang chờ quyết định: "
            + "; ".join(f"{n.recipient_name} – {n.tier.name}" for n in forwarded)
            + "."
        )
    tables = []
    if awards:
        tables = [
            Table(
                f"Kết quả khen thưởng theo cấp và hình thức, thành tích {_period_words(scope)}",
                [
                    "STT",
                    "Hình thức, danh hiệu",
                    "Cấp khen thưởng",
                    "Tập thể, hộ",
                    "Cá nhân",
                    "Tổng số",
                ],
                count_rows,
                total=["", "Tổng cộng", "", collectives, individuals, len(awards)],
                center=(0,),
            ),
            Table(
                f"Danh sách tập thể, cá nhân được khen thưởng, thành tích {_period_words(scope)}",
                ["STT", "Tập thể, cá nhân", "Hình thức, danh hiệu", "Năm thành tích", "Quyết định"],
                list_rows,
                annex=True,
                center=(0, 3),
            ),
        ]
    return Section(
        key="awards",
        heading="Kết quả khen thưởng",
        template=NARRATIVE,
        data={"paragraphs": paragraphs, "total": len(awards)},
        tables=tables,
    )


def nomination_status_words(n) -> str:
    """A nomination's state as an administrative text says it (the workflow labels are for the
    pages): who it was sent to, which decision or letter answered it."""
    from awards.models import NominationStatus as S

    council = "Hội đồng Thi đua – Khen thưởng"
    if n.status == S.AWARDED:
        award = getattr(n, "award", None)
        number = award.decision_number if award else (n.decision.number if n.decision_id else "")
        day = (
            award.decision_date if award else (n.decision.decision_date if n.decision_id else None)
        )
        if number:
            return f"Đã được khen thưởng theo Quyết định số {number}" + (
                f" ngày {_date(day)}" if day else ""
            )
        return "Đã được khen thưởng"
    if n.status == S.FORWARDED:
        if n.forwarding_id:
            return (
                f"Đã trình cấp trên khen thưởng (Tờ trình số {n.forwarding.number} ngày "
                f"{_date(n.forwarding.sent_date)}), chờ quyết định"
            )
        return "Đã trình cấp trên khen thưởng, chờ quyết định"
    if n.status == S.DECIDED:
        return f"{council} đã thống nhất; đã trình Chủ tịch ký quyết định khen thưởng"
    if n.status == S.REJECTED:
        return "Không được khen thưởng" + (f" ({n.upper_answer})" if n.upper_answer else "")
    return {
        S.SUBMITTED: "Đã tiếp nhận hồ sơ đề nghị, đang thẩm định",
        S.CHECKED: f"Đã thẩm định hồ sơ, chờ trình {council}",
        S.IN_COUNCIL: f"Đã trình {council} xét",
        S.PASSED: f"{council} đã thống nhất đề nghị khen thưởng",
        S.FAILED: f"{council} không thống nhất đề nghị khen thưởng",
    }.get(n.status, n.get_status_display())


#: A nomination's status in a summary sentence ("2 trường hợp đã trình Hội đồng … xét").
STATUS_SUMMARY = {
    "submitted": "đang thẩm định hồ sơ",
    "checked": "đã thẩm định hồ sơ, chờ trình Hội đồng Thi đua – Khen thưởng",
    "in_council": "đã trình Hội đồng Thi đua – Khen thưởng xét",
    "passed": "được Hội đồng Thi đua – Khen thưởng thống nhất đề nghị khen thưởng",
    "failed": "Hội đồng Thi đua – Khen thưởng không thống nhất đề nghị",
    "decided": "đã trình Chủ tịch ký quyết định khen thưởng",
    "forwarded": "đã trình cấp trên khen thưởng, chờ quyết định",
    "awarded": "đã được khen thưởng",
    "rejected": "không được khen thưởng",
}


def section_final_nominations(scope: Scope) -> Section | None:
    """Preliminary and final reviews: those proposed for awards at the review, by status, in
    administrative words (`nomination_status_words`)."""
    from awards.models import Nomination, NominationStatus, PeriodKind

    report = scope.report
    if report is None or report.kind not in ("final_review", "preliminary_review"):
        return None
    final = report.kind == "final_review"
    nominations = list(
        Nomination.objects.filter(
            campaign=scope.campaign,
            period_kind=PeriodKind.FINAL if final else PeriodKind.PRELIMINARY,
        )
        .exclude(status=NominationStatus.DRAFT)
        .select_related(
            "tier", "unit", "person__affiliation", "proposer_unit", "decision", "forwarding"
        )
        .order_by("tier__order", "status", "pk")
    )
    if not nominations:
        return None
    scope.sample_rows += sum(n.is_sample for n in nominations)
    by_status = Counter(n.status for n in nominations)
    status_text = "; ".join(
        f"{num(count)} trường hợp {STATUS_SUMMARY.get(status, status)}"
        for status, count in by_status.items()
    )
    rows = []
    for i, n in enumerate(nominations, start=1):
        name = n.recipient_name
        if n.person_id and n.person.affiliation_id:  # type: ignore[union-attr]  # by the ids
            name += f", {n.person.affiliation.name}"  # type: ignore[union-attr]
        rows.append(
            [
                i,
                name,
                n.tier.name,
                n.proposer_unit.name if n.proposer_unit_id else "",
                nomination_status_words(n),
            ]
        )
    review = "tổng kết" if final else "sơ kết"
    return Section(
        key="final_nominations",
        heading=f"Đề nghị khen thưởng {review} phong trào",
        template=NARRATIVE,
        data={
            "paragraphs": [
                f"Qua {review} phong trào, các cơ quan, đơn vị đã đề nghị khen thưởng "
                f"{num(len(nominations))} tập thể, cá nhân có thành tích xuất sắc; kết quả xét "
                f"khen thưởng: {status_text}."
            ]
        },
        tables=[
            Table(
                f"Danh sách tập thể, cá nhân đề nghị khen thưởng {review} phong trào",
                ["STT", "Tập thể, cá nhân", "Hình thức đề nghị", "Đơn vị đề nghị", "Kết quả xét"],
                rows,
                annex=True,
                center=(0,),
            )
        ],
    )


# --- Oversight (campaigns.oversight.report_facts) ----------------------------------------------


def _facts(scope: Scope) -> dict[str, Any]:
    return scope.cached(
        "oversight", lambda: report_facts(scope.campaign, scope.first_year, scope.year)
    )


def section_inspections(scope: Scope) -> Section | None:
    from .plan_sections import NO_DATA, yearly_inspection_paragraphs

    facts = _facts(scope)
    inspections = facts["inspections"]
    recs = facts["recommendations"]
    paragraphs = []
    if not inspections["planned"] and not recs["total"]:
        paragraphs.append(
            f"{NO_DATA} các cuộc kiểm tra, giám sát việc thực hiện phong trào trong "
            f"{_period_words(scope)}."
        )
    if inspections["planned"]:
        with_ntm = sum(1 for r in inspections["rows"] if r["is_done"] and r["with_ntm_appraisal"])
        text = (
            f"Trong {_period_words(scope)}, đã tổ chức {num(inspections['held'])} cuộc kiểm tra, "
            f"giám sát (kế hoạch {num(inspections['planned'])} cuộc) tại "
            f"{num(inspections['units_visited'])} lượt cơ quan, đơn vị"
        )
        if with_ntm:
            text += f", trong đó {num(with_ntm)} cuộc kết hợp thẩm định nông thôn mới"
        paragraphs.append(text + ".")
    paragraphs += yearly_inspection_paragraphs(scope)
    if recs["total"]:
        s = recs["by_status"]
        paragraphs.append(
            f"Qua kiểm tra, đã kiến nghị {num(recs['total'])} nội dung; đến nay "
            f"{num(s.get('done', 0))} kiến nghị đã được khắc phục, {num(s.get('answered', 0))} "
            f"kiến nghị đơn vị đã trả lời, {num(s.get('not_done', 0))} kiến nghị chưa khắc phục "
            f"đang tiếp tục theo dõi, {num(s.get('open', 0))} kiến nghị chưa có trả lời."
        )
    tables = []
    if inspections["rows"]:
        tables.append(
            Table(
                f"Các cuộc kiểm tra, giám sát {_period_words(scope)}",
                ["STT", "Năm", "Nội dung", "Hình thức", "Thời gian", "Số đơn vị", "Kết quả"],
                [
                    [
                        i,
                        str(r["year"]),
                        r["title"],
                        r["kind_label"],
                        _date(r["start_date"])
                        + (f"–{_date(r['end_date'])}" if r["end_date"] else ""),
                        r["units_visited"],
                        "Đã thực hiện" if r["is_done"] else "Chưa thực hiện",
                    ]
                    for i, r in enumerate(inspections["rows"], start=1)
                ],
                center=(0, 1, 4, 6),
                annex=scope.is_period,
            )
        )
    if recs["rows"]:
        tables.append(
            Table(
                "Kiến nghị sau kiểm tra và kết quả thực hiện",
                ["STT", "Năm", "Đơn vị", "Kiến nghị", "Kết quả thực hiện"],
                [
                    [i, str(r["year"]), r["unit"], r["recommendation"], r["status_label"]]
                    for i, r in enumerate(recs["rows"], start=1)
                ],
                center=(0, 1),
                annex=True,
            )
        )
    return Section(
        key="inspections",
        heading="Công tác kiểm tra, giám sát",
        template=NARRATIVE,
        data={"paragraphs": paragraphs, "held": inspections["held"]},
        tables=tables,
    )


def section_difficulties(scope: Scope) -> Section | None:
    d = _facts(scope)["difficulties"]
    if not d["raised"]:
        return None
    paragraphs = [
        f"Các cơ quan, đơn vị đã phản ánh {num(d['raised'])} khó khăn, vướng mắc, đề xuất trong "
        f"quá trình thực hiện; đã giải quyết, trả lời {num(d['resolved'])} nội dung, "
        f"{num(d['raised'] - d['resolved'])} nội dung đang tiếp tục xử lý."
    ]
    if d["adjustments"]:
        paragraphs.append(
            f"Có {num(len(d['adjustments']))} nội dung dẫn đến điều chỉnh kế hoạch: "
            + "; ".join(
                f"{a['unit']} ({a['year']}): {a['subject']}"
                + (f" – {a['adjustment'].rstrip('.')}" if a["adjustment"] else "")
                for a in d["adjustments"]
            )
            + "."
        )
    return Section(
        key="difficulties",
        heading="Tiếp nhận, giải quyết khó khăn, vướng mắc của cơ sở",
        template=NARRATIVE,
        data={"paragraphs": paragraphs},
    )


def section_sponsorships(scope: Scope) -> Section | None:
    s = _facts(scope)["sponsorships"]
    if not s["rows"]:
        return None
    sponsors = {r["sponsor"] for r in s["rows"]}
    communes = {r["commune"] for r in s["rows"]}
    paragraphs = [
        f"Thực hiện đỡ đầu xây dựng nông thôn mới, {num(len(sponsors))} cơ quan, đơn vị đã hỗ "
        f"trợ {num(len(communes))} xã"
        + (f" với tổng kinh phí {vnd(s['total_vnd'])}" if s["total_vnd"] else "")
        + "."
    ]
    return Section(
        key="sponsorships",
        heading="Kết quả đỡ đầu xã xây dựng nông thôn mới",
        template=NARRATIVE,
        data={"paragraphs": paragraphs},
        tables=[
            Table(
                "Kết quả hỗ trợ của các đơn vị đỡ đầu",
                [
                    "STT",
                    "Năm",
                    "Đơn vị đỡ đầu",
                    "Xã được đỡ đầu",
                    "Nội dung hỗ trợ",
                    "Kinh phí (đ)",
                ],
                [
                    [
                        i,
                        str(r["year"]),
                        r["sponsor"],
                        r["commune"],
                        r["support"] or r["commitment"],
                        _num(r["amount_vnd"]),
                    ]
                    for i, r in enumerate(s["rows"], start=1)
                ],
                total=["", "", "Tổng cộng", "", "", _num(s["total_vnd"])],
                center=(0, 1),
                annex=scope.is_period,
            )
        ],
    )


def section_budget(scope: Scope) -> Section | None:
    b = _facts(scope)["budget"]
    if not b["by_kind"]:
        return None
    proposed = sum((r["proposed"] for r in b["by_kind"]), Decimal(0))
    approved = sum((r["approved"] for r in b["by_kind"]), Decimal(0))
    paragraphs = [
        f"Nhu cầu kinh phí thực hiện phong trào {_period_words(scope)} đã đề xuất "
        f"{vnd(proposed)}; được phê duyệt {vnd(approved)}."
    ]
    return Section(
        key="budget",
        heading="Kinh phí thực hiện phong trào",
        template=NARRATIVE,
        data={"paragraphs": paragraphs},
        tables=[
            Table(
                "Nhu cầu kinh phí theo nội dung",
                ["STT", "Nội dung", "Đề xuất (đ)", "Được duyệt (đ)"],
                [
                    [i, r["kind_label"], _num(r["proposed"]), _num(r["approved"])]
                    for i, r in enumerate(b["by_kind"], start=1)
                ],
                total=["", "Tổng cộng", _num(proposed), _num(approved)],
                center=(0,),
            )
        ],
    )


# --- OCOP products and jobs from the enterprises' approved assessments ---------------------------


def section_ocop(scope: Scope) -> Section | None:
    """Criteria set "d" carries numeric criteria for OCOP products (≥3★) and jobs; the approved
    assessments' values (reviewer's, else the unit's) are summed per unit."""
    items = (
        AssessmentItem.objects.filter(
            assessment__campaign=scope.campaign,
            assessment__year=scope.year,
            assessment__status=AssessmentStatus.APPROVED,
            assessment__criteria_set__target_group=TargetGroup.ENTERPRISES,
            criterion__value_type=ValueType.NUMBER,
            value_number__isnull=False,
        )
        .filter(Q(criterion__text__icontains="OCOP") | Q(criterion__text__icontains="việc làm"))
        .values(
            "assessment__unit__name", "criterion__text", "value_number", "assessment__is_sample"
        )
        .order_by("assessment__unit__name")
    )
    per_unit: dict[str, dict[str, Decimal]] = defaultdict(
        lambda: {"ocop": Decimal(0), "jobs": Decimal(0)}
    )
    for item in items:
        key = "ocop" if "ocop" in item["criterion__text"].lower() else "jobs"
        per_unit[item["assessment__unit__name"]][key] += item["value_number"] or Decimal(0)
        scope.sample_rows += item["assessment__is_sample"]
    if not per_unit:
        return None
    ocop = sum(v["ocop"] for v in per_unit.values())
    jobs = sum(v["jobs"] for v in per_unit.values())
    return Section(
        key="ocop",
        heading="Sản phẩm OCOP và giải quyết việc làm của doanh nghiệp, hợp tác xã",
        template=NARRATIVE,
        data={
            "paragraphs": [
                f"Năm {scope.year}, theo kết quả chấm điểm đã được thẩm định, "
                f"{num(len(per_unit))} doanh nghiệp, hợp tác xã có {num(ocop)} sản phẩm OCOP "
                f"đạt từ 3 sao trở lên và giải quyết việc làm cho {num(jobs)} lao động nông thôn."
            ]
        },
        tables=[
            Table(
                f"Sản phẩm OCOP và việc làm năm {scope.year}",
                [
                    "STT",
                    "Doanh nghiệp, hợp tác xã",
                    "Sản phẩm OCOP từ 3 sao",
                    "Lao động được giải quyết việc làm",
                ],
                [
                    [i, name, _num(v["ocop"]), _num(v["jobs"])]
                    for i, (name, v) in enumerate(sorted(per_unit.items()), start=1)
                ],
                total=["", "Tổng cộng", _num(ocop), _num(jobs)],
                center=(0,),
            )
        ],
    )


def register() -> None:
    register_section("results", section_ocop)
    register_section("oversight", section_inspections)
    register_section("oversight", section_difficulties)
    register_section("oversight", section_sponsorships)
    register_section("oversight", section_budget)
    register_section("awards", section_awards)
    register_section("awards", section_final_nominations)
