"""Links from other apps' pages to the documents printed for their objects (award decisions,
council sessions): `{% load reports_links %}{% award_documents "award_decision" d.pk as docs %}`."""

from __future__ import annotations

from django import template

from portal.access import can

from ..models import Report, ReportStatus
from ..registry import get_kind
from ..selectors import CURRENT_STATUSES

register = template.Library()


@register.simple_tag(takes_context=True)
def award_documents(context, *kinds_and_id):
    """For each kind: the latest non-superseded report of the object (or None), the current
    version when that one has no file yet (being made, or failed: the previous version stays
    current until a new one is ready), whether the user may request one, and the label. Last
    argument is the object's pk."""
    *kinds, object_id = kinds_and_id
    user = context["request"].user
    latest: dict[str, Report] = {}
    current: dict[str, Report] = {}
    for report in (
        Report.objects.filter(kind__in=kinds, object_id=object_id)
        .exclude(status=ReportStatus.SUPERSEDED)
        .defer("tables")
        .order_by("kind", "-version")
    ):
        latest.setdefault(report.kind, report)
        if report.status in CURRENT_STATUSES and report.file:
            current.setdefault(report.kind, report)
    return [
        {
            "kind": kind,
            "label": get_kind(kind).label if get_kind(kind) else kind,
            "report": latest.get(kind),
            "current": current.get(kind) if current.get(kind) != latest.get(kind) else None,
            "can_request": can(user, "report.request"),
            "can_view": can(user, "report.view"),
        }
        for kind in kinds
    ]
