"""Reads of nominations, their eligibility, public consultation and exemplars, always through the
user's scope where a user is involved."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet

from portal.access import can, scope, unit_ids_in_scope
from units.models import Person, Unit

from .. import eligibility as el
from ..history.selectors import history_for
from ..models import (
    Award,
    DocumentKind,
    Exemplar,
    Nomination,
    NominationStatus,
    NomineeKind,
    PeriodKind,
)
from ..selectors import rules_for, tier_names, today

if TYPE_CHECKING:
    from campaigns.models import Campaign
    from portal.access import AnyUser


def nomination_route(nomination: Nomination) -> str:
    """Merit (the yearly review) or movement (a campaign's preliminary or final review)."""
    return el.MERIT if nomination.period_kind == PeriodKind.YEAR else el.MOVEMENT


def _unit_titles(nomination: Nomination, rules: list[el.Rule]) -> dict[str, int]:
    """For title_quota rules: the proposer unit's count of the base title in the year and of
    this tier (nominations under way or granted, this one included)."""
    quota = [r for r in rules if r.kind == "title_quota"]
    if not quota:
        return {}
    live = Q(proposer_unit=nomination.proposer_unit, period_year=nomination.period_year) & ~Q(
        status__in=[
            NominationStatus.FAILED,
            NominationStatus.REJECTED,
            NominationStatus.DRAFT,
        ]
    )
    counts: dict[str, int] = {}
    for rule in quota:
        code = rule.params.get("of_tier", "")
        granted = Award.objects.filter(
            tier__code=code,
            year=nomination.period_year,
            person__affiliation=nomination.proposer_unit,
        ).count()
        pending = (
            Nomination.objects.filter(live, tier__code=code).filter(award__isnull=True).count()
        )
        counts[code] = granted + pending
    mine = Nomination.objects.filter(live, tier=nomination.tier).exclude(pk=nomination.pk).count()
    counts["_self"] = mine + 1
    return counts


#: Before the council the page checks today's data; from the council on it shows what the
#: council was shown (the row's stored results).
CHECKED_LIVE = (NominationStatus.DRAFT, NominationStatus.SUBMITTED, NominationStatus.CHECKED)


def eligibility_shown(nomination: Nomination) -> list[dict[str, Any]]:
    """The eligibility results the nomination's page shows, each with its status in words:
    the live check on today's data before the council, what it was shown from the council on."""
    if nomination.status in CHECKED_LIVE or not nomination.eligibility:
        results = [r.as_dict() for r in eligibility_for(nomination)]
    else:
        results = [dict(r) for r in nomination.eligibility]  # copies: the row keeps its value
    for r in results:
        r.update(el.status_words(r["status"]))
    return results


@dataclass(frozen=True)
class NominationActions:
    """What the user may do on a nomination's page now (its status and their capabilities)."""

    submit: bool  # upload documents and send a draft
    check: bool  # check, or send back, a submitted nomination
    consult: bool  # publish a checked nomination for public comment
    reject: bool  # decline a passed or decided nomination
    read_comments: bool  # the public's comments
    see_contact: bool  # the contact a commenter gave (personal data)


def nomination_actions(user: AnyUser, nomination: Nomination) -> NominationActions:
    status = nomination.status
    return NominationActions(
        submit=status == NominationStatus.DRAFT and can(user, "nomination.propose", nomination),
        check=status == NominationStatus.SUBMITTED and can(user, "nomination.check", nomination),
        consult=status == NominationStatus.CHECKED
        and can(user, "nomination.check")
        and not nomination.consultation_until,
        reject=status in (NominationStatus.PASSED, NominationStatus.DECIDED)
        and can(user, "decision.sign"),
        read_comments=can(user, "nomination.check") or can(user, "council.vote"),
        see_contact=can(user, "consultation.contact"),
    )


def eligibility_for(nomination: Nomination) -> list[el.RuleResult]:
    history = history_for(
        unit=nomination.unit if not nomination.person_id else None, person=nomination.person
    )
    rules = rules_for(nomination.tier)
    history.facts = dict(nomination.facts or {})
    if nomination.pk:
        history.movement_evidence = (
            nomination.assessments.count()
            + nomination.contributions.count()
            + nomination.exemplars.count()
        )
        history.unit_titles = _unit_titles(nomination, rules)
    return el.evaluate(
        rules,
        history,
        reference_date=nomination.reference_date,
        nominee_kind=nomination.nominee_kind,
        tier_names=tier_names(),
        route=nomination_route(nomination),
    )


def nominations_visible_to(user: AnyUser) -> QuerySet[Nomination]:
    return scope(user, Nomination.objects.all(), unit_field="proposer_unit")


def nominations_for_list(user: AnyUser) -> QuerySet[Nomination]:
    return (
        nominations_visible_to(user)
        .select_related(
            "tier",
            "unit",
            "person",
            "proposer_unit",
            "campaign",
            "unit__cluster",
            "person__affiliation__cluster",
        )
        .order_by("-created_at", "-pk")
    )


def nominee_units_for(user: AnyUser) -> QuerySet[Unit]:
    return scope(user, Unit.objects.all(), unit_field="pk").order_by("name")


def nominee_people_for(user: AnyUser) -> QuerySet[Person]:
    return scope(user, Person.objects.all(), unit_field="affiliation").order_by("full_name")


def consultation_open(campaign: Campaign, day: datetime.date | None = None) -> QuerySet[Nomination]:
    """Nominations published for public comment on `day` (names and titles only)."""
    day = day or today()
    return (
        Nomination.objects.filter(campaign=campaign, consultation_until__gte=day)
        .exclude(status__in=[NominationStatus.DRAFT, NominationStatus.REJECTED])
        .select_related("tier", "unit", "person", "person__affiliation")
        .order_by("tier__order", "pk")
    )


def exemplars_published(campaign: Campaign) -> QuerySet[Exemplar]:
    """Published exemplary models of a campaign (the public showcase)."""
    return (
        Exemplar.objects.filter(campaign=campaign, is_published=True)
        .select_related("unit", "person", "person__affiliation")
        .order_by("-year", "title")
    )


def exemplars_visible_to(user: AnyUser) -> QuerySet[Exemplar]:
    if unit_ids_in_scope(user):
        ids = unit_ids_in_scope(user)
        return Exemplar.objects.filter(Q(unit_id__in=ids) | Q(person__affiliation_id__in=ids))
    return scope(user, Exemplar.objects.all(), unit_field="")


def nominee_kind_of(*, unit: Unit | None, person: Person | None) -> str:
    if person is not None:
        return NomineeKind.INDIVIDUAL
    if unit is None:
        raise ValueError("A nominee is a unit or a person.")
    return NomineeKind.HOUSEHOLD if unit.kind == "household" else NomineeKind.COLLECTIVE


def prefetch_documents() -> Prefetch[Any]:
    return Prefetch("documents")


def default_reference_date(period_year: int) -> datetime.date:
    """The rules in force at the end of the reviewed year, or today if that is still ahead."""
    return min(datetime.date(period_year, 12, 31), today())


def missing_documents(nomination: Nomination) -> list[str]:
    have = set(nomination.documents.values_list("kind", flat=True))
    return [
        DocumentKind(k).label for k in nomination.tier.required_documents or [] if k not in have
    ]
