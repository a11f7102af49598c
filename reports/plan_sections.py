"""Sections that review the plan point by point (docs/reports.md, "What the review reviews").

The plan ("Kế hoạch tổ chức thực hiện Phong trào thi đua … giai đoạn 2021-2025") asks the reviews
to cover every target group of its section IV.1 (a–e), the exemplary models and initiatives
(I.2.c), publicity (III.2), the link with the Fatherland Front's campaign "Toàn dân đoàn kết xây
dựng nông thôn mới, đô thị văn minh" and its supervision (II.3, VI.3), and the yearly
inspections of the council (V.4). Each gatherer here always returns a section: where the portal
holds no data for a point, the section says so plainly ("Chưa có số liệu trên hệ thống về …")
instead of leaving the point out, so a reader sees what was not reviewed.

`inspection_years(scope)` (planned and held per year) is shared with the evaluation prompts
(`reports.evaluation`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from campaigns.models import (
    Assessment,
    AssessmentItem,
    AssessmentStatus,
    Contribution,
    ContributorKind,
    TargetGroup,
)
from campaigns.oversight.models import InspectionKind, NewsItem
from portal.templatetags.portal_tags import num, vnd
from units.models import PersonKind, UnitKind

from .content import ASSESSMENT_WORDS, P, Scope, Section, Table, _num

NARRATIVE = P + "narrative.html"
NO_DATA = "Chưa có số liệu trên hệ thống về"

#: Unit kinds of the plan's group e ("Đối tượng khác") that can be assessed as units.
OTHER_KINDS = (UnitKind.OTHER_ORGANISATION, UnitKind.HOUSEHOLD)
#: People of group đ (officials; workers and cooperative members) and of group e (business
#: people, scientists, overseas Vietnamese, others).
INDIVIDUAL_KINDS = (PersonKind.OFFICIAL, PersonKind.WORKER, PersonKind.COOPERATIVE_MEMBER)
OTHER_PERSON_KINDS = (
    PersonKind.ENTREPRENEUR,
    PersonKind.SCIENTIST_INTELLECTUAL,
    PersonKind.OVERSEAS_VIETNAMESE,
    PersonKind.OTHER,
)
#: Contributions that belong to group e: donors from outside, households, others.
OTHER_CONTRIBUTORS = (
    ContributorKind.OUTSIDE_DONOR,
    ContributorKind.HOUSEHOLD,
    ContributorKind.OTHER,
)


def _period_words(scope: Scope) -> str:
    return f"giai đoạn {scope.first_year}–{scope.year}" if scope.is_period else f"năm {scope.year}"


def _campaign_q(scope: Scope, prefix: str = "") -> Q:
    return Q(**{f"{prefix}campaign": scope.campaign}) | Q(**{f"{prefix}campaign__isnull": True})


def _join(items: Iterable[str]) -> str:
    return "; ".join(items)


# --- Exemplars (awards.Exemplar) shared by groups đ, e and the exemplars section ----------------


def _exemplars(scope: Scope) -> list:
    from awards.models import Exemplar

    def compute():
        rows = list(
            Exemplar.objects.filter(_campaign_q(scope), year__in=scope.years)
            .select_related("person__affiliation", "unit", "used_by_award__tier")
            .order_by("year", "kind", "title", "pk")
        )
        scope.sample_rows += sum(e.is_sample for e in rows)
        return rows

    return scope.cached("plan_exemplars", compute)


def _awards_to_people(scope: Scope) -> list:
    from awards.models import Award

    def compute():
        rows = list(
            Award.objects.filter(
                Q(campaign=scope.campaign)
                | Q(decision__campaign=scope.campaign)
                | Q(nomination__campaign=scope.campaign),
                person__isnull=False,
                year__in=scope.years,
            )
            .select_related("person", "tier")
            .order_by("year", "tier__order", "pk")
        )
        scope.sample_rows += sum(a.is_sample for a in rows)
        return rows

    return scope.cached("plan_awards_people", compute)


def _scores_by_group(scope: Scope, group: str, kinds) -> list[dict[str, Any]]:
    """The year's assessments of a target group (by its criteria set, or by the unit's kind)."""
    rows = list(
        Assessment.objects.filter(campaign=scope.campaign, year=scope.year)
        .filter(Q(criteria_set__target_group=group) | Q(unit__kind__in=kinds))
        .values("pk", "unit__name", "status", "is_sample")
        .annotate(score=Sum(Coalesce("items__reviewer_score", "items__self_score")))
        .order_by("-score", "unit__name")
    )
    maxima = dict(
        AssessmentItem.objects.filter(assessment_id__in=[r["pk"] for r in rows])
        .values("assessment_id")
        .annotate(m=Sum("criterion__max_points"))
        .values_list("assessment_id", "m")
    )
    for row in rows:
        row["max"] = maxima.get(row["pk"])
        scope.sample_rows += row["is_sample"]
    return rows


def _score_table(scope: Scope, rows: list[dict[str, Any]], who: str) -> Table:
    return Table(
        f"Kết quả chấm điểm theo tiêu chí thi đua năm {scope.year}",
        ["STT", who, "Điểm đạt", "Điểm tối đa", "Kết quả thẩm định"],
        [
            [
                i,
                r["unit__name"],
                _num(r["score"]),
                _num(r["max"]),
                ASSESSMENT_WORDS.get(r["status"], r["status"]),
            ]
            for i, r in enumerate(rows, start=1)
        ],
        center=(0, 4),
    )


def _person_label(person) -> str:
    label = person.full_name
    if person.position:
        label += f", {person.position}"
    if person.affiliation_id:
        label += f", {person.affiliation.name}"
    return label


# --- IV.1.đ: individuals -------------------------------------------------------------------------


def section_individuals(scope: Scope) -> Section:
    """Group đ of the plan: officials with initiatives; workers and cooperative members with
    practical contributions or good models. Read from the initiatives and models recorded
    (awards.Exemplar), the contributions of individuals and the awards to individuals."""
    from awards.models import ExemplarKind

    period = _period_words(scope)
    exemplars = [e for e in _exemplars(scope) if e.person_id]
    officials = [
        e
        for e in exemplars
        if e.person.kind == PersonKind.OFFICIAL and e.kind == ExemplarKind.INITIATIVE
    ]
    workers = [
        e for e in exemplars if e.person.kind in (PersonKind.WORKER, PersonKind.COOPERATIVE_MEMBER)
    ]
    contributions = (
        Contribution.objects.filter(_campaign_q(scope), year__in=scope.years)
        .filter(contributor_kind=ContributorKind.PERSON)
        .aggregate(
            n=Count("pk"),
            money=Sum("money_vnd"),
            days=Sum("work_days"),
            land=Sum("land_m2"),
            samples=Count("pk", filter=Q(is_sample=True)),
        )
    )
    scope.sample_rows += contributions["samples"] or 0
    awards = [a for a in _awards_to_people(scope) if a.person.kind in INDIVIDUAL_KINDS]
    scored = _scores_by_group(scope, TargetGroup.INDIVIDUALS, ())

    paragraphs = ["Kết quả theo tiêu chí thi đua đối với cá nhân (mục IV.1.đ của Kế hoạch):"]
    if officials:
        people = {e.person_id for e in officials}
        paragraphs.append(
            f"- Cán bộ, công chức, viên chức có sáng kiến, giải pháp hữu ích: trong {period}, "
            f"{num(len(officials))} sáng kiến, giải pháp của {num(len(people))} cán bộ, công "
            "chức, viên chức được ghi nhận: "
            + _join(f"{e.title} ({e.person.full_name}, năm {e.year})" for e in officials)
            + "."
        )
    else:
        paragraphs.append(
            "- Cán bộ, công chức, viên chức có sáng kiến, giải pháp hữu ích: "
            f"{NO_DATA.lower()} sáng kiến, giải pháp của cán bộ, công chức, viên chức trong "
            f"{period}."
        )
    worker_parts = []
    if contributions["n"]:
        days, land = contributions["days"] or 0, contributions["land"] or 0
        worker_parts.append(
            f"{num(contributions['n'])} lượt cá nhân đóng góp {vnd(contributions['money'] or 0)}, "
            f"{num(days)} ngày công, hiến {num(land)} m² đất"
        )
    if workers:
        worker_parts.append(
            f"{num(len(workers))} mô hình, cách làm hay được ghi nhận: "
            + _join(f"{e.title} ({e.person.full_name}, năm {e.year})" for e in workers)
        )
    if worker_parts:
        paragraphs.append(
            "- Người lao động, thành viên hợp tác xã tích cực tham gia phong trào: "
            + _join(worker_parts)
            + "."
        )
    else:
        paragraphs.append(
            f"- Người lao động, thành viên hợp tác xã: {NO_DATA.lower()} đóng góp, mô hình, "
            f"cách làm của cá nhân trong {period}."
        )
    if awards:
        by_tier = Counter(a.tier.name for a in awards)
        paragraphs.append(
            f"- Cá nhân được khen thưởng trong phong trào: {num(len(awards))} lượt ("
            + _join(f"{name}: {num(n)}" for name, n in by_tier.items())
            + ")."
        )
    tables = []
    if scored:
        tables.append(_score_table(scope, scored, "Cá nhân"))
    else:
        paragraphs.append(
            f"{NO_DATA} kết quả chấm điểm của cá nhân theo bộ tiêu chí thi đua năm {scope.year}."
        )
    listed = [(e.person, e.get_kind_display(), e.title, e.year) for e in officials + workers]
    listed += [(a.person, "Khen thưởng", a.tier.name, a.year) for a in awards]
    if listed:
        tables.append(
            Table(
                f"Cá nhân tiêu biểu trong phong trào, {period}",
                ["STT", "Họ và tên, chức vụ, đơn vị", "Thành tích được ghi nhận", "Năm"],
                [
                    [i, _person_label(p), f"{what}: {title}", str(year)]
                    for i, (p, what, title, year) in enumerate(listed, start=1)
                ],
                center=(0, 3),
            )
        )
    return Section(
        key="individuals",
        heading="Đối với cá nhân",
        template=NARRATIVE,
        data={"paragraphs": paragraphs, "initiatives": len(officials), "awards": len(awards)},
        tables=tables,
    )


# --- IV.1.e: other participants ------------------------------------------------------------------


def section_others(scope: Scope) -> Section:
    """Group e of the plan: international and non-governmental organisations, associations,
    business people, scientists, families and individuals inside and outside the town, overseas
    Vietnamese. Their assessments (units of group e), contributions from outside donors,
    households and others, and their exemplars and awards."""
    period = _period_words(scope)
    scored = _scores_by_group(scope, TargetGroup.OTHERS, OTHER_KINDS)
    contributions = list(
        Contribution.objects.filter(_campaign_q(scope), year__in=scope.years)
        .filter(contributor_kind__in=OTHER_CONTRIBUTORS)
        .values("contributor_kind")
        .annotate(
            n=Count("pk"),
            money=Sum("money_vnd"),
            days=Sum("work_days"),
            land=Sum("land_m2"),
            samples=Count("pk", filter=Q(is_sample=True)),
        )
        .order_by("contributor_kind")
    )
    scope.sample_rows += sum(r["samples"] for r in contributions)
    exemplars = [
        e
        for e in _exemplars(scope)
        if (e.person_id and e.person.kind in OTHER_PERSON_KINDS)
        or (e.unit_id and e.unit.kind in OTHER_KINDS)
    ]
    awards = [a for a in _awards_to_people(scope) if a.person.kind in OTHER_PERSON_KINDS]

    paragraphs = ["Kết quả theo tiêu chí thi đua đối với các đối tượng khác (mục IV.1.e):"]
    tables = []
    if scored:
        approved = sum(r["status"] == AssessmentStatus.APPROVED for r in scored)
        paragraphs.append(
            f"- Năm {scope.year}, {num(len(scored))} tổ chức, hộ gia đình tự đánh giá theo bộ "
            f"tiêu chí thi đua; {num(approved)} đơn vị đã được thẩm định kết quả."
        )
        tables.append(_score_table(scope, scored, "Tổ chức, hộ gia đình"))
    else:
        paragraphs.append(
            f"- {NO_DATA} kết quả chấm điểm theo bộ tiêu chí thi đua của các tổ chức, hộ gia "
            f"đình thuộc đối tượng khác năm {scope.year}."
        )
    if contributions:
        labels = dict(ContributorKind.choices)
        paragraphs.append(
            f"- Đóng góp xây dựng nông thôn mới trong {period}: "
            + _join(
                f"{labels.get(r['contributor_kind'], r['contributor_kind'])}: {num(r['n'])} lượt, "
                f"{vnd(r['money'] or 0)}"
                + (f", {num(r['days'])} ngày công" if r["days"] else "")
                + (f", {num(r['land'])} m² đất" if r["land"] else "")
                for r in contributions
            )
            + "."
        )
    else:
        paragraphs.append(
            f"- {NO_DATA} đóng góp của nhà tài trợ ngoài địa bàn, hộ gia đình và các đối tượng "
            f"khác trong {period}."
        )
    if exemplars:
        paragraphs.append(
            "- Điển hình, mô hình được ghi nhận: "
            + _join(f"{e.title} ({e.recipient_name}, năm {e.year})" for e in exemplars)
            + "."
        )
    if awards:
        paragraphs.append(
            f"- Được khen thưởng: {num(len(awards))} lượt ("
            + _join(f"{a.person.full_name}: {a.tier.name}" for a in awards)
            + ")."
        )
    return Section(
        key="others",
        heading="Đối với các đối tượng khác",
        template=NARRATIVE,
        data={"paragraphs": paragraphs, "scored": len(scored)},
        tables=tables,
    )


# --- I.2.c, VI.3: exemplary models and initiatives ---------------------------------------------


def section_exemplars(scope: Scope) -> Section:
    from awards.models import ExemplarKind

    period = _period_words(scope)
    exemplars = _exemplars(scope)
    if not exemplars:
        return Section(
            key="exemplars",
            heading="Phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến, sáng kiến, mô hình",
            template=NARRATIVE,
            data={
                "paragraphs": [
                    f"{NO_DATA} điển hình tiên tiến, sáng kiến, giải pháp, mô hình, cách làm "
                    f"hay trong phong trào {period}."
                ],
                "count": 0,
            },
        )
    labels = dict(ExemplarKind.choices)
    by_kind = Counter(e.kind for e in exemplars)
    published = sum(e.is_published for e in exemplars)
    used = sum(e.used_by_award_id is not None for e in exemplars)
    paragraphs = [
        f"Trong {period}, đã phát hiện, ghi nhận {num(len(exemplars))} điển hình, sáng kiến, "
        "mô hình trong phong trào, gồm: "
        + _join(f"{labels[k].lower()}: {num(n)}" for k, n in by_kind.items())
        + f"; {num(published)} điển hình, mô hình đã được giới thiệu công khai trên Cổng "
        f"thông tin để nhân rộng; {num(used)} sáng kiến đã được dùng làm căn cứ khen thưởng."
    ]
    if scope.is_period:
        per_year = Counter(e.year for e in exemplars)
        paragraphs.append(
            "Theo năm: " + _join(f"năm {y}: {num(per_year.get(y, 0))}" for y in scope.years) + "."
        )
    rows = [
        [
            i,
            str(e.year),
            labels.get(e.kind, e.kind),
            e.title,
            _person_label(e.person) if e.person_id else e.unit.name,
            e.recognised_by or "",
        ]
        for i, e in enumerate(exemplars, start=1)
    ]
    return Section(
        key="exemplars",
        heading="Phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến, sáng kiến, mô hình",
        template=NARRATIVE,
        data={"paragraphs": paragraphs, "count": len(exemplars)},
        tables=[
            Table(
                f"Điển hình tiên tiến, sáng kiến, mô hình được ghi nhận, {period}",
                ["STT", "Năm", "Loại", "Tên", "Tập thể, cá nhân", "Cơ quan công nhận"],
                rows,
                center=(0, 1),
            )
        ],
    )


# --- III.2, VI.2: publicity ----------------------------------------------------------------------


def section_publicity(scope: Scope) -> Section:
    """The campaign's news published on the portal in the period and the exemplars introduced on
    the public page. The press and broadcasting (chuyên trang, chuyên mục, thời lượng phát sóng)
    are not recorded on the portal: the section says so."""
    period = _period_words(scope)
    news = list(
        NewsItem.objects.filter(
            campaign=scope.campaign,
            published_at__isnull=False,
            published_at__year__gte=scope.first_year,
            published_at__year__lte=scope.year,
        ).order_by("published_at", "pk")
    )
    scope.sample_rows += sum(n.is_sample for n in news)
    showcase = sum(e.is_published for e in _exemplars(scope))
    paragraphs = []
    if news:
        per_year = Counter(n.published_at.year for n in news if n.published_at)
        paragraphs.append(
            f"Trong {period}, Cổng thông tin của phong trào đã đăng {num(len(news))} tin, bài"
            + (
                " (" + _join(f"năm {y}: {num(per_year[y])}" for y in sorted(per_year)) + ")"
                if scope.is_period
                else ""
            )
            + ": "
            + _join(f"{n.title} ({n.published_at:%d/%m/%Y})" for n in news)
            + "."
        )
    else:
        paragraphs.append(f"{NO_DATA} tin, bài tuyên truyền về phong trào đăng trong {period}.")
    if showcase:
        paragraphs.append(
            f"{num(showcase)} điển hình, sáng kiến, mô hình được giới thiệu công khai trên "
            "trang điển hình tiên tiến của Cổng thông tin."
        )
    paragraphs.append(
        f"{NO_DATA} chuyên trang, chuyên mục, thời lượng phát sóng, đăng tải của Phòng Văn hóa "
        "và Thông tin, Trung tâm Truyền thông – Văn hóa – Thể thao và các cơ quan thông tin đại "
        "chúng (mục III.2, VI.2 của Kế hoạch)."
    )
    return Section(
        key="publicity",
        heading="Công tác tuyên truyền, cổ vũ phong trào thi đua",
        template=NARRATIVE,
        data={"paragraphs": paragraphs, "news": len(news)},
    )


# --- II.3, VI.3: the Fatherland Front's campaign and its supervision -----------------------------


def section_front_campaign(scope: Scope) -> Section:
    """The Front and the mass organisations' results against their criteria (group a), year by
    year, and the supervision visits recorded. The campaign's own results (residential areas,
    households recognised) and the Front's own supervision are not recorded on the portal."""
    period = _period_words(scope)
    kinds = (UnitKind.FATHERLAND_FRONT, UnitKind.MASS_ORGANISATION)
    rows = list(
        Assessment.objects.filter(
            campaign=scope.campaign, year__in=scope.years, unit__kind__in=kinds
        )
        .values("unit__name", "unit__kind", "year", "status", "is_sample")
        .annotate(score=Sum(Coalesce("items__reviewer_score", "items__self_score")))
        .order_by("unit__kind", "unit__name", "year")
    )
    scope.sample_rows += sum(r["is_sample"] for r in rows)
    facts = _inspection_facts(scope)
    supervisions = [
        r for r in facts["inspections"]["rows"] if r["kind"] == InspectionKind.SUPERVISION
    ]
    paragraphs = [
        "Kế hoạch yêu cầu gắn Phong trào thi đua với Cuộc vận động “Toàn dân đoàn kết xây dựng "
        "nông thôn mới, đô thị văn minh”; Ủy ban Mặt trận Tổ quốc Việt Nam và các đoàn thể chính "
        "trị – xã hội tuyên truyền, vận động và tổ chức giám sát thực hiện xây dựng nông thôn mới "
        "(mục II.3, VI.3)."
    ]
    tables = []
    if rows:
        units = list(dict.fromkeys(r["unit__name"] for r in rows))
        score = {(r["unit__name"], r["year"]): r for r in rows}
        approved = sum(r["status"] == AssessmentStatus.APPROVED for r in rows)
        paragraphs.append(
            f"Kết quả thực hiện tiêu chí thi đua của Ủy ban Mặt trận Tổ quốc Việt Nam và các "
            f"đoàn thể ({period}): {num(len(units))} đơn vị, {num(len(rows))} lượt tự đánh giá, "
            f"trong đó {num(approved)} lượt đã được thẩm định; kết quả từng năm tại bảng dưới."
        )
        table_rows = []
        for i, name in enumerate(units, start=1):
            cells = []
            for y in scope.years:
                r = score.get((name, y))
                cells.append("" if r is None else _num(r["score"]))
            table_rows.append([i, name, *cells])
        tables.append(
            Table(
                f"Điểm thi đua của Mặt trận Tổ quốc và các đoàn thể, {period}",
                ["STT", "Đơn vị", *[f"Năm {y}" for y in scope.years]],
                table_rows,
                center=(0,),
            )
        )
    else:
        paragraphs.append(
            f"{NO_DATA} kết quả thực hiện tiêu chí thi đua của Ủy ban Mặt trận Tổ quốc Việt Nam "
            f"và các đoàn thể trong {period}."
        )
    if supervisions:
        done = sum(r["is_done"] for r in supervisions)
        paragraphs.append(
            f"Hội đồng Thi đua – Khen thưởng đã lập kế hoạch {num(len(supervisions))} cuộc giám "
            f"sát việc thực hiện xây dựng nông thôn mới, đã thực hiện {num(done)} cuộc"
            + (
                f"; {num(len(supervisions) - done)} cuộc chưa thực hiện"
                if done < len(supervisions)
                else ""
            )
            + "."
        )
    paragraphs.append(
        f"{NO_DATA} kết quả Cuộc vận động “Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn "
        "minh” (khu dân cư, hộ gia đình được công nhận) và kết quả giám sát do Ủy ban Mặt trận "
        "Tổ quốc Việt Nam các cấp tổ chức."
    )
    return Section(
        key="front_campaign",
        heading="Gắn phong trào với Cuộc vận động “Toàn dân đoàn kết xây dựng nông thôn mới, "
        "đô thị văn minh”",
        template=NARRATIVE,
        data={"paragraphs": paragraphs, "units": len({r["unit__name"] for r in rows})},
        tables=tables,
    )


# --- V.4: the council's yearly inspections --------------------------------------------------------


def _inspection_facts(scope: Scope) -> dict[str, Any]:
    from campaigns.oversight.selectors import report_facts

    return scope.cached(
        "oversight", lambda: report_facts(scope.campaign, scope.first_year, scope.year)
    )


def plan_year(scope: Scope) -> int:
    """The first year the plan's yearly duties apply: the year the plan was issued."""
    plan_date = scope.campaign.plan_date
    return max(scope.first_year, plan_date.year) if plan_date else scope.first_year


def inspection_years(scope: Scope) -> list[dict[str, int]]:
    """Per year of the report from the plan's year on: inspections planned and carried out."""
    rows = _inspection_facts(scope)["inspections"]["rows"]
    planned: dict[int, int] = defaultdict(int)
    held: dict[int, int] = defaultdict(int)
    for r in rows:
        planned[r["year"]] += 1
        held[r["year"]] += bool(r["is_done"])
    return [
        {"year": y, "planned": planned[y], "held": held[y]}
        for y in scope.years
        if y >= plan_year(scope)
    ]


def inspection_year_sentence(row: dict[str, int]) -> str:
    """ "Năm 2024: không thực hiện …" — a year with nothing carried out is said to be not done."""
    year, planned, held = row["year"], row["planned"], row["held"]
    if not planned:
        return f"Năm {year}: {NO_DATA.lower()} việc tổ chức kiểm tra, giám sát."
    if held == 0:
        return (
            f"Năm {year}: không thực hiện cuộc kiểm tra, giám sát nào theo kế hoạch "
            f"(thực hiện 0/{num(planned)} cuộc); chưa hoàn thành yêu cầu kiểm tra, giám sát "
            "hằng năm."
        )
    if held < planned:
        return (
            f"Năm {year}: thực hiện {num(held)}/{num(planned)} cuộc kiểm tra, giám sát theo kế "
            f"hoạch; {num(planned - held)} cuộc chưa thực hiện."
        )
    return (
        f"Năm {year}: thực hiện {num(held)}/{num(planned)} cuộc kiểm tra, giám sát theo kế hoạch."
    )


def yearly_inspection_paragraphs(scope: Scope) -> list[str]:
    years = inspection_years(scope)
    if not years:
        return []
    return [
        "Việc tổ chức kiểm tra, giám sát hằng năm của Hội đồng Thi đua – Khen thưởng (mục V.4 "
        "của Kế hoạch):",
        *[f"- {inspection_year_sentence(row)}" for row in years],
    ]
