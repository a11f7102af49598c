"""Which reports a user may see. The secretariat and the chairman see every version; other
readers (observers, council members, economic office) see signed reports only."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from awards.models import AwardDecision, CouncilSession
from portal.access import can

from .models import Report, ReportStatus

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


def reports_for(user) -> QuerySet[Report]:
    qs = with_object_labels(
        Report.objects.select_related("campaign", "requested_by", "signoff__signed_by")
    )
    if not can(user, "report.view"):
        return qs.none()
    if can(user, "report.request") or can(user, "report.sign"):
        return qs
    return qs.filter(status=ReportStatus.SIGNED)


def report_list_for(user) -> QuerySet[Report]:
    """The archive's rows: the user's reports without their tables."""
    return reports_for(user).defer(*LIST_DEFERRED)


def report_for(user, pk: int) -> Report:
    """Raises Report.DoesNotExist (→ 404) outside the user's scope."""
    return reports_for(user).get(pk=pk)


def awaiting_signoff() -> QuerySet[Report]:
    return with_object_labels(
        Report.objects.filter(status=ReportStatus.READY)
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
CURRENT_STATUSES = (ReportStatus.READY, ReportStatus.RETURNED, ReportStatus.SIGNED)


def current_version(versions: list[Report]) -> Report | None:
    """Of a document's versions (newest first): the current one, the newest with a file that is
    not superseded. A version being made does not replace it until it is ready."""
    return next((v for v in versions if v.status in CURRENT_STATUSES and v.file), None)
