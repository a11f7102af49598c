"""The deadline of a unit's yearly report, one answer for every page (docs/cycle.md,
"Deadlines").

A unit's deadline for year Y is the campaign's `yearly_report` milestone of Y, moved later by
the unit's granted extension (`ExtensionRequest`, status granted) and by the extension recorded
on its assessment when it was submitted (`Assessment.extension_until`), whichever is latest.
The self-assessment form's "Nộp muộn" flag, the review queue's risk, the completeness page, the
dashboard's late count, the officer's "Thời hạn sắp tới" and the reminders all ask this module;
none of them reads a milestone date for a unit itself.

`deadlines_for(campaign, unit_ids, year)` answers for many units in three queries whatever their
number (milestone, granted extensions, assessments); `deadline_for` is the one-unit form;
`with_deadlines` reads the same three facts inside a query of units (the desk), `deadline_of`
reads them back.
`today()` is the calendar date every deadline is compared with (local time)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Max, Model, OuterRef, QuerySet, Subquery
from django.utils import timezone

from .models import (
    Assessment,
    AssessmentStatus,
    Campaign,
    ExtensionRequest,
    ExtensionStatus,
    Milestone,
    MilestoneKind,
)

U = TypeVar("U", bound=Model)

#: Statuses whose lateness was recorded at submission (`Assessment.is_late`).
SUBMITTED_STATUSES = frozenset({AssessmentStatus.SUBMITTED, AssessmentStatus.APPROVED})


def today() -> datetime.date:
    """Today's date in the portal's time zone (tests replace this one function)."""
    return timezone.localdate()


@dataclass(frozen=True)
class Deadline:
    due: datetime.date | None  # the campaign's yearly report milestone
    extension_until: datetime.date | None  # the latest extension granted to this unit, if any

    @property
    def effective(self) -> datetime.date | None:
        """The last day the unit may submit on time; None when the campaign set no deadline."""
        if self.due is None:
            return None
        return max(self.due, self.extension_until) if self.extension_until else self.due

    def is_closed(self, day: datetime.date) -> bool:
        """After the unit's deadline: it cannot start or first-submit any more."""
        return self.effective is not None and day > self.effective

    def is_late(self, day: datetime.date) -> bool:
        """A submission on `day` is late: after the unit's deadline, its extension included."""
        return self.is_closed(day)

    def unit_is_late(self, *, status: str | None, recorded_late: bool, day: datetime.date) -> bool:
        """Is the unit late on `day`? Submitted or approved: what was recorded when it was
        submitted (by `is_late` on that day). Otherwise (not started, draft, returned): `day`
        is past its deadline."""
        if status in SUBMITTED_STATUSES:
            return recorded_late
        return self.is_closed(day)


def deadlines_by_year(
    campaign: Campaign,
    years: Iterable[int],
    unit_ids: Iterable[int] | None = None,
    *,
    assessment_extensions: Mapping[tuple[int, int], datetime.date | None] | None = None,
    due: Mapping[int, datetime.date] | None = None,
) -> DeadlineTable:
    """Every unit's deadline for several years in three queries (one less when the caller already
    read the assessments' own extensions, keyed by (unit_id, year), and one less when it read the
    yearly report milestones, year → due date). `unit_ids=None`: all."""
    years = sorted(set(years))
    ids = None if unit_ids is None else set(unit_ids)
    if due is None:
        due = dict(
            Milestone.objects.filter(
                campaign=campaign, kind=MilestoneKind.YEARLY_REPORT, year__in=years
            ).values_list("year", "due_date")
        )
    else:
        due = {year: date for year, date in due.items() if year in years}
    granted = ExtensionRequest.objects.filter(
        campaign=campaign, year__in=years, status=ExtensionStatus.GRANTED, until__isnull=False
    )
    if ids is not None:
        granted = granted.filter(unit_id__in=ids)
    extensions: dict[tuple[int, int], datetime.date] = {
        (row["unit_id"], row["year"]): row["until"]
        for row in granted.order_by().values("unit_id", "year").annotate(until=Max("until"))
    }
    if assessment_extensions is None:
        own = Assessment.objects.filter(
            campaign=campaign, year__in=years, extension_until__isnull=False
        )
        if ids is not None:
            own = own.filter(unit_id__in=ids)
        assessment_extensions = {
            (u, y): d
            for u, y, d in own.order_by().values_list("unit_id", "year", "extension_until")
        }
    for key, until in assessment_extensions.items():
        if until is not None and (key not in extensions or until > extensions[key]):
            extensions[key] = until
    return DeadlineTable(due=due, extensions=extensions)


@dataclass(frozen=True)
class DeadlineTable:
    due: dict[int, datetime.date]  # year → milestone date
    extensions: dict[tuple[int, int], datetime.date]  # (unit_id, year) → latest extension

    def get(self, unit_id: int, year: int) -> Deadline:
        return Deadline(
            due=self.due.get(year), extension_until=self.extensions.get((unit_id, year))
        )


def deadlines_for(
    campaign: Campaign,
    unit_ids: Iterable[int] | None,
    year: int,
    *,
    assessment_extensions: Mapping[int, datetime.date | None] | None = None,
) -> DeadlineTable:
    """Deadlines of many units for one year (`table.get(unit_id, year)`), no query per unit."""
    return deadlines_by_year(
        campaign,
        [year],
        unit_ids,
        assessment_extensions=None
        if assessment_extensions is None
        else {(u, year): d for u, d in assessment_extensions.items()},
    )


def deadline_for(*, campaign: Campaign, unit_id: int, year: int) -> Deadline:
    """The deadline of one unit for one year."""
    return deadlines_for(campaign, [unit_id], year).get(unit_id, year)


def with_deadlines(units: QuerySet[U], campaign: Campaign, year: int) -> QuerySet[U]:
    """Units annotated with what their deadline for `year` is made of, read in their own query
    (the milestone, the latest granted extension, the assessment's recorded extension): the same
    rule as `deadlines_for`; `deadline_of(unit)` reads it back."""
    return units.annotate(
        deadline_due=Subquery(
            Milestone.objects.filter(
                campaign=campaign, kind=MilestoneKind.YEARLY_REPORT, year=year
            ).values("due_date")[:1]
        ),
        deadline_granted=Subquery(
            ExtensionRequest.objects.filter(
                campaign=campaign,
                year=year,
                status=ExtensionStatus.GRANTED,
                until__isnull=False,
                unit=OuterRef("pk"),
            )
            .order_by("-until")
            .values("until")[:1]
        ),
        deadline_own=Subquery(
            Assessment.objects.filter(campaign=campaign, year=year, unit=OuterRef("pk")).values(
                "extension_until"
            )[:1]
        ),
    )


def deadline_of(unit: Any) -> Deadline:
    """The deadline of a unit read by `with_deadlines`."""
    extensions = [d for d in (unit.deadline_granted, unit.deadline_own) if d]
    return Deadline(due=unit.deadline_due, extension_until=max(extensions) if extensions else None)
