"""The evaluation of a campaign report: which parts must be written before the chairman signs,
and the facts from the data offered beside each part while the secretariat writes it.

- `evaluation_gaps(report)`: the parts still empty, in Vietnamese ("Ưu điểm", …). An annual
  report needs strengths, limits, causes and the next year's tasks; a preliminary or final
  review needs all six parts (lessons and proposals too). `report_sign` refuses while any is
  missing; the report page lists them before the sign button. Award documents have none.
- `evaluation_prompts(report)`: per narrative field, a list of facts drawn from the data
  ("Năm 2024: không thực hiện cuộc kiểm tra, giám sát nào theo kế hoạch (thực hiện 0/1 cuộc)…",
  "Chỉ tiêu 3 “…”: chưa đạt (đạt 2/5 xã)"). They are shown beside the fields, never written
  into them: the evaluation is the secretariat's own text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, Sum

from campaigns.models import (
    Assessment,
    AssessmentStatus,
    Contribution,
    NtmLevel,
    Target,
    TargetMetric,
)
from portal.templatetags.portal_tags import num, vnd

from .content import Scope, commune_figures, target_progress

if TYPE_CHECKING:
    from .models import Report

#: Parts of the narrative and their names on the page and in messages.
PART_LABELS = {
    "strengths": "Ưu điểm",
    "limits": "Hạn chế",
    "causes": "Nguyên nhân",
    "lessons": "Bài học kinh nghiệm",
    "next_steps": "Phương hướng, nhiệm vụ",
    "proposals": "Đề xuất, kiến nghị",
}
#: Parts a report of each kind must carry before it is signed.
REQUIRED_PARTS = {
    "annual": ("strengths", "limits", "causes", "next_steps"),
    "preliminary_review": tuple(PART_LABELS),
    "final_review": tuple(PART_LABELS),
}


def evaluation_gaps(report: Report) -> list[str]:
    """The required parts of the evaluation still empty, by name (empty list: complete)."""
    return [
        PART_LABELS[name]
        for name in REQUIRED_PARTS.get(report.kind, ())
        if not (getattr(report, name, "") or "").strip()
    ]


def gaps_message(gaps: list[str]) -> str:
    return (
        "Chưa thể ký: báo cáo chưa có phần đánh giá đầy đủ, còn thiếu: "
        + "; ".join(gaps)
        + ". Đề nghị cơ quan thường trực bổ sung, lưu và tạo lại báo cáo trước khi trình ký."
    )


def _first_year(report: Report) -> int:
    return report.year if report.kind == "annual" else report.campaign.start_year


_METRIC_UNIT = {
    TargetMetric.COMMUNES_ADVANCED_OR_BETTER: "xã",
    TargetMetric.COMMUNES_MODEL: "xã",
    TargetMetric.COMMUNES_NTM_OR_BETTER: "xã",
    TargetMetric.CRITERIA_KEPT: "xã",
    TargetMetric.VILLAGES_NTM_OR_BETTER: "thôn",
    TargetMetric.VILLAGES_MODEL: "thôn",
}


def evaluation_prompts(report: Report) -> dict[str, list[str]]:
    """Facts from the data for each narrative field (empty lists for award documents)."""
    prompts: dict[str, list[str]] = {name: [] for name in PART_LABELS}
    if report.kind not in REQUIRED_PARTS:
        return prompts
    from . import plan_sections as plan

    scope = Scope(
        campaign=report.campaign, year=report.year, first_year=_first_year(report), report=report
    )
    strengths, limits = prompts["strengths"], prompts["limits"]
    causes, next_steps, proposals = prompts["causes"], prompts["next_steps"], prompts["proposals"]

    # Targets of the plan.
    for i, target in enumerate(
        Target.objects.filter(campaign=report.campaign).order_by("order", "pk"), start=1
    ):
        value = target_progress(scope, target, report.year)
        if value is None:
            continue
        unit = _METRIC_UNIT.get(target.metric, "")
        wanted = target.min_value
        if wanted is None or value >= wanted:
            goal = [v for v in (target.min_value, target.max_value) if v is not None]
            goal_text = f", mục tiêu {'–'.join(num(v) for v in goal)}" if goal else ""
            strengths.append(
                f"Chỉ tiêu {i} “{target.title}”: đạt ({num(value)} {unit}{goal_text})."
            )
        else:
            state = "chưa đạt" if report.year >= target.by_year else "đang thực hiện"
            limits.append(
                f"Chỉ tiêu {i} “{target.title}”: {state} (đạt {num(value)}/{num(wanted)} {unit}, "
                f"thời hạn năm {target.by_year})."
            )
            next_steps.append(
                f"Chỉ tiêu {i} “{target.title}” còn thiếu {num(wanted - value)} {unit}."
            )

    # Communes, year by year.
    for year in scope.years:
        figures = [f for f in commune_figures(scope, year) if f.as_of == year]
        if not figures:
            continue
        reached = sum(f.level != NtmLevel.NONE for f in figures)
        avg = sum(f.count or 0 for f in figures) / len(figures)
        strengths.append(
            f"Năm {year}: {num(reached)}/{num(len(figures))} xã đạt chuẩn nông thôn mới trở lên; "
            f"bình quân {num(round(avg, 1))} tiêu chí/xã."
        )
        if year == report.year:
            below = [f.unit.name for f in figures if f.level == NtmLevel.NONE]
            if below:
                limits.append(
                    f"Năm {year}: {num(len(below))} xã chưa đạt chuẩn nông thôn mới: "
                    + ", ".join(below)
                    + "."
                )
                next_steps.append("Xã chưa đạt chuẩn cần tập trung: " + ", ".join(below) + ".")

    # Inspections required every year by the plan (V.4).
    for row in plan.inspection_years(scope):
        sentence = plan.inspection_year_sentence(row)
        (strengths if row["planned"] and row["held"] == row["planned"] else limits).append(sentence)

    # Self-assessments not submitted or not yet appraised.
    open_assessments = (
        Assessment.objects.filter(campaign=report.campaign, year__in=scope.years)
        .exclude(status=AssessmentStatus.APPROVED)
        .values("year")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(is_late=True)))
        .order_by("year")
    )
    for row in open_assessments:
        limits.append(
            f"Năm {row['year']}: {num(row['n'])} đơn vị chưa hoàn thành báo cáo tự đánh giá hoặc "
            "chưa được thẩm định"
            + (f" ({num(row['late'])} đơn vị nộp muộn)" if row["late"] else "")
            + "."
        )

    # Resources mobilised.
    money = (
        Contribution.objects.filter(year__in=scope.years)
        .filter(Q(campaign=report.campaign) | Q(campaign__isnull=True))
        .values("year")
        .annotate(m=Sum("money_vnd"))
        .order_by("year")
    )
    for row in money:
        if row["m"]:
            strengths.append(f"Năm {row['year']}: huy động {vnd(row['m'])} xây dựng nông thôn mới.")

    # Oversight: recommendations, difficulties, budget.
    facts = plan._inspection_facts(scope)
    recs = facts["recommendations"]["by_status"]
    still_open = recs.get("open", 0) + recs.get("not_done", 0)
    if still_open:
        limits.append(f"{num(still_open)} kiến nghị sau kiểm tra chưa được khắc phục, trả lời.")
        next_steps.append(f"Theo dõi, đôn đốc {num(still_open)} kiến nghị sau kiểm tra còn mở.")
    difficulties = facts["difficulties"]
    if difficulties["raised"]:
        causes.append(
            f"Cơ sở đã phản ánh {num(difficulties['raised'])} khó khăn, vướng mắc; "
            f"{num(difficulties['raised'] - difficulties['resolved'])} nội dung chưa giải quyết."
        )
    for line in facts["budget"]["by_kind"]:
        if line["proposed"] and (line["approved"] or 0) < line["proposed"]:
            causes.append(
                f"Kinh phí {line['kind_label'].lower()}: đề xuất {vnd(line['proposed'])}, được "
                f"duyệt {vnd(line['approved'] or 0)}."
            )
            proposals.append(
                f"Kinh phí {line['kind_label'].lower()} còn thiếu "
                f"{vnd(line['proposed'] - (line['approved'] or 0))} so với đề xuất."
            )

    # Exemplars and initiatives (lessons), groups without data.
    exemplars = plan._exemplars(scope)
    for e in exemplars:
        prompts["lessons"].append(
            f"{e.get_kind_display()} năm {e.year}: {e.title} ({e.recipient_name})."
        )
    if not exemplars:
        limits.append("Chưa ghi nhận điển hình tiên tiến, sáng kiến, mô hình nào trên hệ thống.")

    # Awards sent up and not answered yet (proposals).
    from .integrated_sections import _forwarded

    for n in _forwarded(scope):
        proposals.append(
            f"{n.recipient_name} – {n.tier.name}: đã trình cấp trên, chưa có quyết định."
        )
    return prompts
