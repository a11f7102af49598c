"""Reads of the award history: one recipient's awards and record (for eligibility), the history
list, counts per tier and year, the yearly commendation statistics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from portal.access import scope, unit_ids_in_scope
from portal.search import matcher
from units.models import Gender, Person, Unit

from .. import eligibility as el
from ..models import (
    Award,
    AwardTier,
    Exemplar,
    ExemplarKind,
    Nomination,
    NominationStatus,
    PendingCase,
    TierKind,
    YearlyRating,
)
from .importers import decision_key

if TYPE_CHECKING:
    from portal.access import AnyUser


def _recipient_filter(*, unit: Unit | None = None, person: Person | None = None) -> Q:
    return Q(person=person) if person is not None else Q(unit=unit)


def awards_of(*, unit: Unit | None = None, person: Person | None = None) -> QuerySet[Award]:
    """One history per recipient, across campaigns and years."""
    return (
        Award.objects.filter(_recipient_filter(unit=unit, person=person))
        .select_related("tier", "campaign", "decision")
        .order_by("-decision_date", "tier__order")
    )


def history_for(
    *, unit: Unit | None = None, person: Person | None = None, exclude_award_id: int | None = None
) -> el.History:
    """The facts the eligibility rules read, gathered in a few queries."""
    where = _recipient_filter(unit=unit, person=person)
    awards = [
        el.PastAward(
            a.tier.code, a.tier.name, a.year, a.decision_date, a.decision_number, a.category
        )
        for a in Award.objects.filter(where).select_related("tier")
    ]
    ratings = dict(YearlyRating.objects.filter(where).values_list("year", "rating"))
    cases = [
        el.Case(c.get_kind_display(), c.opened_on, c.closed_on)
        for c in PendingCase.objects.filter(where)
    ]
    initiatives = [
        el.Initiative(
            e.pk,
            e.title,
            e.year,
            used_by_other_award=e.used_by_award_id is not None
            and e.used_by_award_id != exclude_award_id,
        )
        for e in Exemplar.objects.filter(where, kind=ExemplarKind.INITIATIVE)
    ]
    is_female = None
    female_share = None
    if person is not None:
        female: dict[str, bool] = {Gender.FEMALE: True, Gender.MALE: False}
        is_female = female.get(person.gender)
    elif unit is not None:
        genders = Counter(unit.people.values_list("gender", flat=True))
        known = genders[Gender.FEMALE] + genders[Gender.MALE]
        if known:
            female_share = round(100 * genders[Gender.FEMALE] / known, 1)
    return el.History(awards, ratings, cases, initiatives, is_female, female_share)


def awards_visible_to(user: AnyUser) -> QuerySet[Award]:
    qs = Award.objects.select_related("tier", "unit", "person", "campaign")
    ids = unit_ids_in_scope(user)
    if ids:
        return qs.filter(Q(unit_id__in=ids) | Q(person__affiliation_id__in=ids))
    return scope(user, qs, unit_field="")


def awards_matching(queryset: QuerySet[Award], query: str) -> QuerySet[Award]:
    """Awards whose recipient's name, or the unit a person works in (or a collective belongs
    to), contains `query`: "pho an" finds "Xã Phổ An", its villages and its people
    (portal/search.py: typed without marks, matched without marks)."""
    match = matcher(query)
    people = Person.objects.filter(pk__in=queryset.values("person_id")).values_list(
        "pk", "full_name", "affiliation__name", "affiliation__parent__name"
    )
    units = Unit.objects.filter(pk__in=queryset.values("unit_id")).values_list(
        "pk", "name", "parent__name"
    )
    person_ids = [pk for pk, *names in people if any(match(n) for n in names)]
    unit_ids = [pk for pk, *names in units if any(match(n) for n in names)]
    return queryset.filter(Q(person_id__in=person_ids) | Q(unit_id__in=unit_ids))


@dataclass
class RecipientAwards:
    """One recipient (a person, or a collective or household) and their awards, each once."""

    person: Person | None
    unit: Unit | None
    awards: list[Award]

    @property
    def recipient(self) -> Person | Unit:
        if self.person is not None:
            return self.person
        if self.unit is None:
            raise ValueError("A recipient is a person or a unit.")
        return self.unit

    @property
    def name(self) -> str:
        recipient = self.recipient
        return recipient.full_name if isinstance(recipient, Person) else recipient.name

    @property
    def nominee_kind_label(self) -> str:
        return self.awards[0].nominee_kind_label


RecipientKey = tuple[str, int]


def award_recipients(queryset: QuerySet[Award]) -> list[RecipientKey]:
    """The recipients of these awards, newest award first, each once: ("p", person id) or
    ("u", unit id). Page over this list, then load the page with `recipient_awards`."""
    rows = queryset.order_by("-decision_date", "pk").values_list("person_id", "unit_id")
    return list(dict.fromkeys(("p", p) if p else ("u", u) for p, u in rows))


def recipient_awards(queryset: QuerySet[Award], keys: list[RecipientKey]) -> list[RecipientAwards]:
    """These recipients' awards (from `queryset`), grouped, in the order of `keys`. An award
    recorded twice (the same tier under one decision number spelt two ways, "125/QĐ-UBND" and
    "125/QD-UBND", e.g. once imported and once from the portal's decision) is listed once."""
    person_ids = [pk for kind, pk in keys if kind == "p"]
    unit_ids = [pk for kind, pk in keys if kind == "u"]
    awards = (
        queryset.filter(Q(person_id__in=person_ids) | Q(unit_id__in=unit_ids))
        .select_related("tier", "unit", "person__affiliation", "campaign")
        .order_by("-decision_date", "tier__order", "pk")
    )
    groups: dict[RecipientKey, RecipientAwards] = {}
    seen: set[tuple[RecipientKey, int, str]] = set()
    for award in awards:
        key: RecipientKey
        if award.person_id:
            key = ("p", award.person_id)
        elif award.unit_id:
            key = ("u", award.unit_id)
        else:  # neither: the one_recipient constraint forbids it
            continue
        same = (key, award.tier_id, decision_key(award.decision_number))
        if same in seen:
            continue
        seen.add(same)
        group = groups.setdefault(key, RecipientAwards(award.person, award.unit, []))
        group.awards.append(award)
    return [groups[key] for key in keys if key in groups]


def awards_per_tier_year(queryset: QuerySet[Award]) -> tuple[list[int], list[dict[str, Any]]]:
    """Counts of awards per tier (rows) and year (columns)."""
    counts = queryset.values("tier__name", "tier__order", "tier__kind", "year").annotate(
        n=Count("pk")
    )
    years = sorted({c["year"] for c in counts})
    table: dict[str, dict[str, Any]] = {}
    for c in counts:
        row = table.setdefault(
            c["tier__name"],
            {
                "tier": c["tier__name"],
                "order": c["tier__order"],
                "kind": c["tier__kind"],
                "by_year": dict.fromkeys(years, 0),
            },
        )
        row["by_year"][c["year"]] = c["n"]
    rows = sorted(table.values(), key=lambda r: (r["kind"] != TierKind.TITLE, r["order"]))
    for row in rows:
        row["cells"] = [row["by_year"][y] for y in years]
        row["total"] = sum(row["cells"])
    return years, rows


def commendation_statistics(year: int) -> list[dict[str, Any]]:
    """Best-effort shape of the Home Affairs yearly commendation statistics (see docs)."""
    awards = Award.objects.filter(year=year).select_related("tier", "person", "unit")
    by_tier: dict[int, dict[str, Any]] = {}
    tiers = sorted(AwardTier.objects.all(), key=lambda t: (t.kind != TierKind.TITLE, t.order))
    for tier in tiers:
        by_tier[tier.pk] = {
            "tier": tier,
            "collective": 0,
            "individual": 0,
            "household": 0,
            "female": 0,
            "worker": 0,
            "total": 0,
        }
    for award in awards:
        row = by_tier[award.tier_id]
        kind = award.nominee_kind
        row[kind] += 1
        row["total"] += 1
        if award.person is not None and award.person.gender == Gender.FEMALE:
            row["female"] += 1
        if award.person is not None and award.person.kind in ("worker", "cooperative_member"):
            row["worker"] += 1
    return list(by_tier.values())


def why_no_awards(year: int) -> dict[str, Any]:
    """For a year with no award recorded: the years that have some, and how many of that year's
    nominations are still on their way (not yet decided), so the page can say why it is empty."""
    years = list(Award.objects.order_by("-year").values_list("year", flat=True).distinct()[:5])
    open_statuses = [
        NominationStatus.SUBMITTED,
        NominationStatus.CHECKED,
        NominationStatus.IN_COUNCIL,
        NominationStatus.PASSED,
        NominationStatus.DECIDED,
        NominationStatus.FORWARDED,
    ]
    pending = Nomination.objects.filter(period_year=year, status__in=open_statuses).count()
    return {"years": sorted(years), "pending": pending}


KIND_SECTIONS = [
    (TierKind.TITLE, "I", "Danh hiệu thi đua"),
    (TierKind.FORM, "II", "Hình thức khen thưởng"),
]


def by_kind_sections(
    rows: list[dict[str, Any]], kind_of: Callable[[dict[str, Any]], str]
) -> list[dict[str, Any]]:
    """Rows split into "I. Danh hiệu thi đua" and "II. Hình thức khen thưởng" (Law 06/2022
    Chapters II and III): titles and forms are never counted together."""
    out = []
    for kind, numeral, label in KIND_SECTIONS:
        part = [r for r in rows if kind_of(r) == kind]
        if part:
            out.append({"numeral": numeral, "label": label, "rows": part, "kind": kind})
    return out
