"""Which reports a user may see. The secretariat and the chairman see every version; other
readers (observers, council members, economic office) see signed reports only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, QuerySet, Subquery

from awards.models import AwardDecision, CouncilSession
from portal.access import can

from .models import Report, ReportStatus

if TYPE_CHECKING:
    from portal.access import AnyUser

#: Not needed to list reports, and large: a final review's tables are ~85 KB of JSON, which a
#: list of 50 versions would read and decode on every page view.
LIST_DEFERRED = ("tables",)


def with_object_labels(qs: QuerySet[Report]) -> QuerySet[Report]:
    """Each award document's decision number and session title, read in the same query, so a
    list of reports shows their titles (`registry`'s summaries) without a query per row."""
    return qs.annotate(
        decision_number=Subquery(
            AwardDecision.objects.filter(pk=OuterRef("object_id")).values("number")[:1]
        ),
        session_title=Subquery(
            CouncilSession.objects.filter(pk=OuterRef("object_id")).values("title")[:1]
        ),
    )


def reports_for(user: AnyUser) -> QuerySet[Report]:
    qs = with_object_labels(
        Report.objects.select_related("campaign", "requested_by", "signoff__signed_by")
    )
    if not can(user, "report.view"):
        return qs.none()
    if can(user, "report.request") or can(user, "report.sign"):
        return qs
    return qs.filter(status=ReportStatus.SIGNED)


def report_list_for(user: AnyUser) -> QuerySet[Report]:
    """The archive's rows: the user's reports without their tables."""
    return reports_for(user).defer(*LIST_DEFERRED)


def report_for(user: AnyUser, pk: int) -> Report:
    """Raises Report.DoesNotExist (→ 404) outside the user's scope."""
    return reports_for(user).get(pk=pk)


def awaiting_signoff() -> QuerySet[Report]:
    return with_object_labels(
        Report.objects.filter(status__in=(ReportStatus.READY, ReportStatus.SIGNING))
        .select_related("campaign", "requested_by")
        .defer(*LIST_DEFERRED)
    )


def versions_of(report: Report) -> QuerySet[Report]:
    return (
        Report.objects.filter(
            campaign=report.campaign, kind=report.kind, year=report.year, object_id=report.object_id
        )
        .select_related("requested_by", "signoff__signed_by")
        .defer(*LIST_DEFERRED)
        .order_by("-version")
    )


#: A version with a file that a person may read as the document's current text.
CURRENT_STATUSES = (
    ReportStatus.READY,
    ReportStatus.SIGNING,
    ReportStatus.RETURNED,
    ReportStatus.SIGNED,
)


def current_version(versions: list[Report]) -> Report | None:
    """Of a document's versions (newest first): the current one, the newest with a file that is
    not superseded. A version being made does not replace it until it is ready."""
    return next((v for v in versions if v.status in CURRENT_STATUSES and v.file), None)


def award_documents(user: AnyUser, kinds: Sequence[str], object_id: int) -> list[dict[str, Any]]:
    """The "Văn bản PDF" card of an awards page (decision: decision and certificates; closed
    session: minutes), one entry per kind: the latest non-superseded report of the object (or
    None), the current version when that one has no file yet (being made, or failed: the previous
    version stays current until a new one is ready), whether the user may request and open one,
    and the label. Registered with `portal.navigation.register_documents`; one query."""
    from .registry import get_kind

    latest: dict[str, Report] = {}
    current: dict[str, Report] = {}
    for report in (
        Report.objects.filter(kind__in=kinds, object_id=object_id)
        .exclude(status=ReportStatus.SUPERSEDED)
        .defer(*LIST_DEFERRED)
        .order_by("kind", "-version")
    ):
        latest.setdefault(report.kind, report)
        if report.status in CURRENT_STATUSES and report.file:
            current.setdefault(report.kind, report)
    return [
        {
            "kind": kind,
            "label": found.label if (found := get_kind(kind)) else kind,
            "report": latest.get(kind),
            "current": current.get(kind) if current.get(kind) != latest.get(kind) else None,
            "can_request": can(user, "report.request"),
            "can_view": can(user, "report.view"),
        }
        for kind in kinds
    ]
