"""Access rows for the award documents' request (the buttons on the awards pages)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from awards.models import CouncilSession, SessionStatus
from reports.models import Report
from tests.access_matrix import Row


def closed_session(w, u) -> CouncilSession:
    session, _ = CouncilSession.objects.get_or_create(
        title="Phiên họp kiểm tra quyền",
        campaign=w.campaign,
        defaults={
            "meeting_date": datetime.date(2025, 12, 1),
            "status": SessionStatus.CLOSED,
            "created_by": u["secretariat"],
        },
    )
    return session


def _minutes_reports(w, u) -> int:
    return Report.objects.filter(kind="council_minutes").count()


ROWS = [
    Row(
        "award document request POST (council minutes)",
        lambda w, u: reverse(
            "reports:award-document-request", args=["council_minutes", closed_session(w, u).pk]
        ),
        {"secretariat": 302},
        method="post",
        data={},
        snapshot=_minutes_reports,
        url_names=("reports:award-document-request",),
    ),
]
