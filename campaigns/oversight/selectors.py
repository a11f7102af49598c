"""Reads of oversight data, scoped to the user; and `report_facts`, the data the reports app
gathers for the annual, preliminary and final reports (shape in docs/oversight.md)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When

from campaigns.models import Campaign
from portal.access import scope, sees_all, unit_ids_in_scope
from units.models import Sponsorship, Unit

from .models import (
    BudgetKind,
    BudgetLine,
    BudgetStatus,
    Feedback,
    FeedbackStatus,
    FigureRelease,
    Finding,
    Inspection,
    NewsItem,
    Recommendation,
    RecommendationStatus,
    SponsorshipResult,
)

if TYPE_CHECKING:
    from portal.access import AnyUser

# --- Inspections ------------------------------------------------------------------------------


def inspections_visible_to(user: AnyUser) -> QuerySet[Inspection]:
    """Every visit for roles that see all; an officer sees the visits to their units."""
    qs = Inspection.objects.select_related("campaign")
    if sees_all(user):
        return qs
    return scope(user, qs, "units").distinct()


def inspections_for_list(user: AnyUser) -> QuerySet[Inspection]:
    """Visits with the number of units visited and of recommendations still unanswered."""
    return (
        inspections_visible_to(user)
        .annotate(
            unit_count=Count("units", distinct=True),
            finding_count=Count("findings", distinct=True),
        )
        .order_by("-year", "start_date", "pk")
    )


def findings_visible_to(user: AnyUser) -> QuerySet[Finding]:
    return scope(user, Finding.objects.select_related("unit", "inspection"), "unit")


def recommendations_visible_to(user: AnyUser) -> QuerySet[Recommendation]:
    qs = Recommendation.objects.select_related("finding__unit", "finding__inspection")
    return scope(user, qs, "finding__unit")


def inspection_findings(user: AnyUser, inspection: Inspection) -> list[Finding]:
    """The findings of a visit this user may read, with their recommendations."""
    return list(
        findings_visible_to(user)
        .filter(inspection=inspection)
        .prefetch_related("recommendations__responded_by")
    )


# --- Difficulties -----------------------------------------------------------------------------


def feedback_visible_to(user: AnyUser) -> QuerySet[Feedback]:
    qs = Feedback.objects.select_related("unit", "sent_by", "assignee", "campaign")
    return (
        scope(user, qs, "unit")
        .annotate(attachment_count=Count("attachments"))
        .order_by("-sent_at", "-pk")
    )


def sender_units(user: AnyUser) -> QuerySet[Unit]:
    """Units a user may send a difficulty for: an officer's own units, else every unit."""
    if sees_all(user):
        return Unit.objects.order_by("name")
    return Unit.objects.filter(pk__in=unit_ids_in_scope(user)).order_by("name")


# --- Budget -----------------------------------------------------------------------------------


def budget_lines(campaign: Campaign | None = None) -> QuerySet[BudgetLine]:
    """Lines in the order of the plan's spending headings (inspection, supervision, reviews,
    awards), newest year first."""
    kind_order = Case(
        *[When(kind=k, then=Value(i)) for i, k in enumerate(BudgetKind.values)],
        default=Value(99),
        output_field=IntegerField(),
    )
    qs = (
        BudgetLine.objects.select_related("proposed_by", "campaign")
        .annotate(kind_order=kind_order)
        .order_by("-year", "kind_order", "pk")
    )
    return qs.filter(campaign=campaign) if campaign else qs


def budget_totals(queryset: QuerySet[BudgetLine]) -> list[dict[str, Any]]:
    """Per year: proposed, submitted and approved totals (đồng)."""
    rows = (
        queryset.order_by()
        .values("year")
        .annotate(
            proposed=Sum("amount_vnd"),
            submitted=Sum(
                "amount_vnd",
                filter=Q(status__in=[BudgetStatus.SUBMITTED, BudgetStatus.APPROVED]),
            ),
            approved=Sum("approved_amount_vnd", filter=Q(status=BudgetStatus.APPROVED)),
            lines=Count("pk"),
        )
        .order_by("-year")
    )
    return [
        {
            "year": r["year"],
            "lines": r["lines"],
            "proposed": r["proposed"] or Decimal(0),
            "submitted": r["submitted"] or Decimal(0),
            "approved": r["approved"] or Decimal(0),
        }
        for r in rows
    ]


# --- Sponsorship ------------------------------------------------------------------------------


def sponsorships_visible_to(user: AnyUser) -> QuerySet[Sponsorship]:
    """Pairs where one of the user's units is the sponsor or the commune."""
    qs = Sponsorship.objects.select_related("campaign", "sponsor", "commune")
    if sees_all(user):
        return qs
    ids = unit_ids_in_scope(user)
    return qs.filter(Q(sponsor_id__in=ids) | Q(commune_id__in=ids))


def unit_sponsorships_with_results(unit: Unit) -> list[Sponsorship]:
    return list(
        Sponsorship.objects.filter(Q(sponsor=unit) | Q(commune=unit))
        .select_related("campaign", "sponsor", "commune")
        .prefetch_related("yearly_results")
        .order_by("-campaign__start_year", "sponsor__name")
    )


# --- Public page ------------------------------------------------------------------------------


def published_news(campaign: Campaign) -> QuerySet[NewsItem]:
    return NewsItem.objects.filter(campaign=campaign, published_at__isnull=False).order_by(
        "-published_at"
    )


def latest_release(campaign: Campaign) -> FigureRelease | None:
    return FigureRelease.objects.filter(campaign=campaign).order_by("-year", "-released_at").first()


# --- Facts for reports ------------------------------------------------------------------------


def report_facts(campaign: Campaign, year_from: int, year_to: int) -> dict[str, Any]:
    """Oversight facts for a report over [year_from, year_to] (both included).

    Shape (documented in docs/oversight.md): {"inspections": {...}, "recommendations": {...},
    "difficulties": {...}, "sponsorships": [...], "budget": {...}}. Plain dicts, lists, ints,
    strings, dates and Decimals; no model instances, so a report can be cached or rendered
    without further queries.
    """
    years = Q(year__gte=year_from, year__lte=year_to)
    inspections = (
        Inspection.objects.filter(years, campaign=campaign)
        .annotate(unit_count=Count("units", distinct=True))
        .order_by("year", "start_date", "pk")
    )
    inspection_rows = [
        {
            "year": i.year,
            "kind": i.kind,
            "kind_label": i.get_kind_display(),
            "title": i.title,
            "start_date": i.start_date,
            "end_date": i.end_date,
            "units_visited": i.unit_count,
            "with_ntm_appraisal": i.with_ntm_appraisal,
            "is_done": i.is_done,
        }
        for i in inspections
    ]
    recs = Recommendation.objects.filter(
        finding__inspection__campaign=campaign,
        finding__inspection__year__gte=year_from,
        finding__inspection__year__lte=year_to,
    ).select_related("finding__unit", "finding__inspection")
    rec_by_status: dict[str, int] = {s.value: 0 for s in RecommendationStatus}
    rec_rows = []
    for rec in recs.order_by("finding__inspection__year", "finding__unit__name", "pk"):
        rec_by_status[rec.status] += 1
        rec_rows.append(
            {
                "year": rec.finding.inspection.year,
                "unit": rec.finding.unit.name,
                "finding": rec.finding.content,
                "recommendation": rec.content,
                "status": rec.status,
                "status_label": rec.get_status_display(),
                "response": rec.response,
            }
        )
    feedback = Feedback.objects.filter(years, campaign=campaign).select_related("unit")
    fb_by_status: dict[str, int] = {s.value: 0 for s in FeedbackStatus}
    fb_by_kind: dict[str, int] = defaultdict(int)
    adjustments = []
    for fb in feedback.order_by("year", "sent_at", "pk"):
        fb_by_status[fb.status] += 1
        fb_by_kind[fb.kind] += 1
        if fb.led_to_adjustment:
            adjustments.append(
                {
                    "year": fb.year,
                    "unit": fb.unit.name,
                    "subject": fb.subject,
                    "adjustment": fb.adjustment_note,
                }
            )
    results = (
        SponsorshipResult.objects.filter(years, sponsorship__campaign=campaign)
        .select_related("sponsorship__sponsor", "sponsorship__commune")
        .order_by("sponsorship__sponsor__name", "year")
    )
    sponsorship_rows = [
        {
            "year": r.year,
            "sponsor": r.sponsorship.sponsor.name,
            "commune": r.sponsorship.commune.name,
            "commitment": r.commitment,
            "support": r.support,
            "amount_vnd": r.amount_vnd,
        }
        for r in results
    ]
    lines = BudgetLine.objects.filter(years, campaign=campaign)
    by_kind = {
        row["kind"]: row
        for row in lines.order_by()
        .values("kind")
        .annotate(
            proposed=Sum("amount_vnd"),
            approved=Sum("approved_amount_vnd", filter=Q(status=BudgetStatus.APPROVED)),
        )
    }
    return {
        "campaign": campaign.code,
        "year_from": year_from,
        "year_to": year_to,
        "inspections": {
            "held": sum(1 for r in inspection_rows if r["is_done"]),
            "planned": len(inspection_rows),
            "units_visited": sum(r["units_visited"] for r in inspection_rows if r["is_done"]),
            "rows": inspection_rows,
        },
        "recommendations": {
            "total": len(rec_rows),
            "by_status": rec_by_status,
            "rows": rec_rows,
        },
        "difficulties": {
            "raised": sum(fb_by_status.values()),
            "resolved": fb_by_status[FeedbackStatus.ANSWERED] + fb_by_status[FeedbackStatus.CLOSED],
            "by_status": fb_by_status,
            "by_kind": dict(fb_by_kind),
            "adjustments": adjustments,
        },
        "sponsorships": {
            "total_vnd": sum((r.amount_vnd for r in results), Decimal(0)),
            "rows": sponsorship_rows,
        },
        "budget": {
            "by_year": budget_totals(lines),
            "by_kind": [
                {
                    "kind": kind.value,
                    "kind_label": kind.label,
                    "proposed": (by_kind.get(kind.value) or {}).get("proposed") or Decimal(0),
                    "approved": (by_kind.get(kind.value) or {}).get("approved") or Decimal(0),
                }
                for kind in BudgetKind
                if kind.value in by_kind
            ],
        },
    }
