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


def section_awards(scope: Scope) -> Section | None:
    """Awards decided in the period for this campaign: counts per tier and the list."""
    from awards.models import Award

    awards = list(
        Award.objects.filter(
            Q(campaign=scope.campaign) | Q(decision__campaign=scope.campaign),
            decision_date__gte=scope.period_start,
            decision_date__lte=scope.period_end,
        )
        .select_related("tier", "unit", "person__affiliation")
        .order_by("tier__order", "tier__name", "decision_date", "pk")
    )
    if not awards:
        return None
    scope.sample_rows += sum(a.is_sample for a in awards)
    per_tier: dict[int, dict[str, Any]] = {}
    for a in awards:
        row = per_tier.setdefault(
            a.tier_id,
            {
                "name": a.tier.name,
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
        [i, r["name"], r["kind"], r["c"], r["i"], r["c"] + r["i"]]
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
        list_rows.append([i, name, a.tier.name, a.decision_number, _date(a.decision_date)])
    titles = [r for r in per_tier.values() if r["is_title"]]
    forms = [r for r in per_tier.values() if not r["is_title"]]
    # A title is conferred ("tặng danh hiệu"), a form is an award ("khen thưởng"): Law 06/2022
    # Art. 3; the sentence says which, and lists each group under its own name.
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
    paragraphs = [
        f"Trong {_period_words(scope)}, các cấp đã {verb} {num(len(awards))} lượt tập thể, "
        f"cá nhân có thành tích trong phong trào thi đua ({num(collectives)} lượt tập thể, hộ "
        f"gia đình; {num(individuals)} lượt cá nhân), gồm: {'; '.join(groups)}. Danh sách cụ "
        "thể tại phụ lục kèm theo."
    ]
    return Section(
        key="awards",
        heading="Kết quả khen thưởng",
        template=NARRATIVE,
        data={"paragraphs": paragraphs, "total": len(awards)},
        tables=[
            Table(
                f"Kết quả khen thưởng theo hình thức, {_period_words(scope)}",
                ["STT", "Danh hiệu, hình thức", "Loại", "Tập thể, hộ", "Cá nhân", "Tổng số"],
                count_rows,
                total=["", "Tổng cộng", "", collectives, individuals, len(awards)],
                center=(0,),
            ),
            Table(
                f"Danh sách tập thể, cá nhân được khen thưởng, {_period_words(scope)}",
                ["STT", "Tập thể, cá nhân", "Danh hiệu, hình thức", "Số quyết định", "Ngày"],
                list_rows,
                annex=True,
                center=(0, 3, 4),
            ),
        ],
    )


def section_final_nominations(scope: Scope) -> Section | None:
    """Final review only: those proposed for awards at the final review, by status."""
    from awards.models import Nomination, NominationStatus, PeriodKind

    report = scope.report
    if report is None or report.kind != "final_review":
        return None
    nominations = list(
        Nomination.objects.filter(campaign=scope.campaign, period_kind=PeriodKind.FINAL)
        .exclude(status=NominationStatus.DRAFT)
        .select_related("tier", "unit", "person__affiliation", "proposer_unit")
        .order_by("tier__order", "status", "pk")
    )
    if not nominations:
        return None
    scope.sample_rows += sum(n.is_sample for n in nominations)
    by_status = Counter(n.get_status_display() for n in nominations)
    status_text = "; ".join(f"{label}: {num(count)}" for label, count in by_status.items())
    rows = []
    for i, n in enumerate(nominations, start=1):
        name = n.recipient_name
        if n.person_id and n.person.affiliation_id:
            name += f", {n.person.affiliation.name}"
        rows.append(
            [
                i,
                name,
                n.tier.name,
                n.proposer_unit.name if n.proposer_unit_id else "",
                n.get_status_display(),
            ]
        )
    return Section(
        key="final_nominations",
        heading="Đề nghị khen thưởng tổng kết phong trào",
        template=NARRATIVE,
        data={
            "paragraphs": [
                f"Qua tổng kết phong trào, các cơ quan, đơn vị đã đề nghị khen thưởng "
                f"{num(len(nominations))} tập thể, cá nhân có thành tích xuất sắc; tình hình xét "
                f"duyệt: {status_text}."
            ]
        },
        tables=[
            Table(
                "Danh sách tập thể, cá nhân đề nghị khen thưởng tổng kết phong trào",
                ["STT", "Tập thể, cá nhân", "Hình thức đề nghị", "Đơn vị đề nghị", "Tình trạng"],
                rows,
                annex=True,
                center=(0, 4),
            )
        ],
    )


# --- Oversight (campaigns.oversight.report_facts) ----------------------------------------------


def _facts(scope: Scope) -> dict[str, Any]:
    return scope.cached(
        "oversight", lambda: report_facts(scope.campaign, scope.first_year, scope.year)
    )


def section_inspections(scope: Scope) -> Section | None:
    facts = _facts(scope)
    inspections = facts["inspections"]
    recs = facts["recommendations"]
    if not inspections["planned"] and not recs["total"]:
        return None
    paragraphs = []
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
        per_unit[item["assessment__unit__name"]][key] += item["value_number"]
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
