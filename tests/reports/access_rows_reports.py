"""Access rows for the reports pages and the public /verify/ page."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.urls import reverse

from portal.concurrency import seen_token
from reports.models import OutgoingNumber, Report, ReportStatus
from tests.access_matrix import Row, everyone

READERS = ("secretariat", "chairman", "observer", "economic_office", "council_member")
# A ready (unsigned) report: the secretariat and the chairman see it; other readers only see
# signed reports (404); officers have no report capability (403).
READY = {
    "secretariat": 200,
    "chairman": 200,
    "observer": 404,
    "economic_office": 404,
    "council_member": 404,
}


def ready_report(w, u) -> Report:
    report, created = Report.objects.get_or_create(
        campaign=w.campaign,
        kind="annual",
        year=2024,
        version=1,
        defaults={
            "status": ReportStatus.READY,
            "sha256": "0" * 64,
            "requested_by": u["secretariat"],
            "tables": [{"title": "Bảng", "columns": ["A"], "rows": [[1]]}],
        },
    )
    if created:
        report.file.save("r.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
        # A large review's Excel annex (reports.annex), served by its own URL.
        report.annex.save("r.xlsx", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=False)
        report.save()
    return report


def _url(name):
    return lambda w, u: reverse(name, args=[ready_report(w, u).pk])


def _status(w, u):
    return list(Report.objects.values_list("pk", "status", "version"))


ROWS = [
    Row(
        "report archive",
        lambda w, u: reverse("reports:report-list", args=[w.campaign.code]),
        dict.fromkeys(READERS, 200),
        url_names=("reports:report-list",),
    ),
    Row(
        "report request form",
        lambda w, u: reverse("reports:report-request", args=[w.campaign.code]),
        {"secretariat": 200},
        url_names=("reports:report-request",),
    ),
    Row(
        "report request POST",
        lambda w, u: reverse("reports:report-request", args=[w.campaign.code]),
        {"secretariat": 302},
        method="post",
        data=lambda w, u: {"campaign": w.campaign.pk, "kind": "annual", "year": 2023},
        snapshot=_status,
    ),
    Row(
        "sign-off queue",
        lambda w, u: reverse("reports:signoff-queue"),
        {"chairman": 200},
        url_names=("reports:signoff-queue",),
    ),
    Row(
        "register of outgoing documents",
        lambda w, u: reverse("reports:register"),
        {"secretariat": 200, "chairman": 200, "observer": 200},
        url_names=("reports:register",),
    ),
    Row(
        "register: record a number given outside the portal",
        lambda w, u: reverse("reports:register"),
        {"secretariat": 302},
        method="post",
        data=lambda w, u: {
            "authority": w.campaign.authority_id,
            "seq": "7",
            "symbol": "QĐ-UBND",
            "day": "05/01/2025",
            "summary": "Quyết định cấp ngoài hệ thống",
        },
        snapshot=lambda w, u: OutgoingNumber.objects.count(),
        other_method=False,  # the register page itself is open to GET
    ),
    Row(
        "report detail", _url("reports:report-detail"), READY, url_names=("reports:report-detail",)
    ),
    Row(
        "report status fragment",
        _url("reports:report-row"),
        READY,
        url_names=("reports:report-row",),
    ),
    Row("report PDF inline", _url("reports:report-pdf"), READY, url_names=("reports:report-pdf",)),
    Row(
        "report download",
        _url("reports:report-download"),
        READY,
        url_names=("reports:report-download",),
    ),
    Row(
        "report tables xlsx", _url("reports:report-xlsx"), READY, url_names=("reports:report-xlsx",)
    ),
    Row(
        "report Excel annex",
        _url("reports:report-annex"),
        READY,
        url_names=("reports:report-annex",),
    ),
    Row(
        "report regenerate POST",
        _url("reports:report-regenerate"),
        {**READY, "secretariat": 302, "chairman": 403},
        method="post",
        data=lambda w, u: {"strengths": "Sửa", "seen": seen_token(ready_report(w, u))},
        snapshot=_status,
        url_names=("reports:report-regenerate",),
    ),
    Row(
        "report retry POST (a ready report is not stranded: refused with a message)",
        _url("reports:report-retry"),
        {**READY, "secretariat": 302, "chairman": 403},
        method="post",
        snapshot=_status,
        url_names=("reports:report-retry",),
    ),
    Row(
        "report sign POST (a stale hash is refused with a message)",
        _url("reports:report-sign"),
        {**READY, "secretariat": 403, "chairman": 302},
        method="post",
        data={"sha256": "1" * 64},
        snapshot=_status,
        url_names=("reports:report-sign",),
    ),
    Row(
        "report signing progress fragment (polled while the chairman's signing runs)",
        _url("reports:report-signing"),
        READY,
        url_names=("reports:report-signing",),
    ),
    Row(
        "report return POST",
        _url("reports:report-return"),
        {**READY, "secretariat": 403, "chairman": 302},
        method="post",
        data={"comment": "Bổ sung"},
        snapshot=_status,
        url_names=("reports:report-return",),
    ),
    Row(
        "public verify page",
        lambda w, u: reverse("verify:verify"),
        {**everyone(200), "anonymous": 200},
        url_names=("verify:verify",),
    ),
]
