"""Report writes and state transitions: request, render (the Celery task's work), sign, return.

Lifecycle: queued → rendering → ready → signed, or failed (the error kept for the secretariat),
or returned (the chairman sent it back). Regenerating makes a new version; a signed version never
changes. Broker down: the request is recorded and stays queued with a note; `requeue_reports`
(beat, every few minutes) sends queued reports again, and the idempotent claim makes sure each
runs once.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from portal.access import require
from portal.audit import audited_update

from . import rendering, signing
from .models import NARRATIVE_FIELDS, OPEN_STATUSES, Report, ReportStatus, SignOff
from .registry import get_kind

if TYPE_CHECKING:
    from campaigns.models import Campaign

log = logging.getLogger(__name__)

QUEUE_DOWN_NOTE = (
    "Hàng đợi xử lý tạm thời không hoạt động. Yêu cầu đã được ghi nhận và sẽ được tạo tự động "
    "khi hàng đợi hoạt động trở lại."
)
MAX_ATTEMPTS = 5


def lease_seconds() -> int:
    return int(getattr(settings, "REPORT_LEASE_SECONDS", settings.CELERY_TASK_TIME_LIMIT + 60))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- Request ------------------------------------------------------------------------------------


def report_request(
    *,
    campaign: Campaign,
    kind: str,
    year: int | None,
    by,
    object_id: int = 0,
    narrative: dict[str, str] | None = None,
) -> Report:
    """Ask for a document. An identical open request (queued or rendering) is returned as is;
    otherwise a new version is made (older unsigned versions are superseded)."""
    definition = get_kind(kind)
    if definition is None:
        raise ValidationError({"kind": "Loại báo cáo không hợp lệ."})
    if year is None:
        year = definition.default_year(campaign)
    if year is None:
        raise ValidationError({"year": "Vui lòng chọn năm báo cáo."})
    definition.validate(campaign, year, object_id)
    key = {"campaign": campaign, "kind": kind, "year": year, "object_id": object_id}
    try:
        with transaction.atomic():
            open_report = Report.objects.select_for_update().filter(**key, status__in=OPEN_STATUSES)
            existing = open_report.first()
            if existing is not None:
                return existing
            versions = Report.objects.filter(**key)
            latest = versions.order_by("-version").first()
            if narrative is None:
                narrative = latest.narrative() if latest else {}
            version = (versions.aggregate(m=Max("version"))["m"] or 0) + 1
            report = Report.objects.create(
                **key,
                version=version,
                requested_by=by,
                issue_date=timezone.localdate(),
                **{f: (narrative.get(f) or "").strip() for f in NARRATIVE_FIELDS},
            )
            versions.filter(
                status__in=[ReportStatus.READY, ReportStatus.RETURNED, ReportStatus.FAILED]
            ).exclude(pk=report.pk).update(status=ReportStatus.SUPERSEDED)
            transaction.on_commit(lambda: enqueue(report.pk))
    except IntegrityError:
        # Someone made the same request at the same moment: theirs is the one.
        existing = Report.objects.filter(**key, status__in=OPEN_STATUSES).first()
        if existing is None:
            raise
        return existing
    return report


def enqueue(report_id: int) -> bool:
    """Send the rendering job; when the broker is down, leave the row queued with a note."""
    from .tasks import render_report_task

    try:
        render_report_task.apply_async(args=[report_id], queue="reports", retry=False)
    except Exception as exc:  # kombu/redis connection errors: broker unavailable
        if settings.CELERY_TASK_ALWAYS_EAGER and settings.CELERY_TASK_EAGER_PROPAGATES:
            raise
        log.warning("report %s: broker unavailable (%s); left queued", report_id, exc)
        Report.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
            error=QUEUE_DOWN_NOTE
        )
        return False
    return True


def requeue_stale(*, older_than: datetime.timedelta = datetime.timedelta(minutes=5)) -> int:
    """Send again the reports left queued (broker was down) or stuck rendering with an expired
    lease (the worker died). The claim makes a duplicate delivery harmless."""
    now = timezone.now()
    stale = Report.objects.filter(
        Q(status=ReportStatus.QUEUED, requested_at__lt=now - older_than)
        | Q(status=ReportStatus.RENDERING, lease_until__lt=now)
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(stale):
        sent += enqueue(pk)
    return sent


# --- Render -------------------------------------------------------------------------------------


def _claim(report_id: int) -> bool:
    now = timezone.now()
    return bool(
        Report.objects.filter(pk=report_id)
        .filter(
            Q(status=ReportStatus.QUEUED) | Q(status=ReportStatus.RENDERING, lease_until__lt=now)
        )
        .update(
            status=ReportStatus.RENDERING,
            started_at=now,
            lease_until=now + datetime.timedelta(seconds=lease_seconds()),
            attempts=F("attempts") + 1,
            error="",
        )
    )


def _fail(report_id: int, message: str) -> None:
    Report.objects.filter(pk=report_id, status=ReportStatus.RENDERING).update(
        status=ReportStatus.FAILED,
        error=message[:4000],
        lease_until=None,
        finished_at=timezone.now(),
    )


def report_render(*, report_id: int) -> Report | None:
    """Claim the report, render it and store the file. Returns None when there is nothing to do
    (already ready or signed, or another worker holds a live lease). Transient database errors
    propagate (the task retries them); anything else marks the report failed."""
    if not _claim(report_id):
        return None
    report = Report.objects.select_related("campaign").get(pk=report_id)
    if report.attempts > MAX_ATTEMPTS:
        _fail(report_id, f"Đã thử tạo {MAX_ATTEMPTS} lần không thành công.")
        return None
    try:
        rendered = rendering.render_report(report)
    except OperationalError:
        # Transient: give the row back so the retry can claim it.
        Report.objects.filter(pk=report_id, status=ReportStatus.RENDERING).update(
            status=ReportStatus.QUEUED, lease_until=None
        )
        raise
    except Exception as exc:
        log.exception("report %s failed to render", report_id)
        _fail(report_id, str(exc) or exc.__class__.__name__)
        return None
    name = f"reports/{report.campaign_id}/{report.pk}-v{report.version}.pdf"
    storage = report.file.storage
    if storage.exists(name):  # our own earlier, unfinished attempt
        storage.delete(name)
    saved = storage.save(name, ContentFile(rendered.content))
    updated = Report.objects.filter(pk=report_id, status=ReportStatus.RENDERING).update(
        status=ReportStatus.READY,
        file=saved,
        sha256=sha256(rendered.content),
        size=len(rendered.content),
        page_count=rendered.pages,
        context_hash=rendered.context_hash,
        tables=rendered.tables,
        has_sample_data=rendered.has_sample,
        signature_box=rendered.signature_box,
        lease_until=None,
        finished_at=timezone.now(),
    )
    if not updated:
        return None
    return Report.objects.get(pk=report_id)


# --- Sign-off -----------------------------------------------------------------------------------


def report_sign(*, report: Report, by, read_sha256: str) -> SignOff:
    """The chairman signs exactly the file they read (`read_sha256`): PAdES signature with a
    visible stamp; the signed file is kept beside the original."""
    require(by, "report.sign", report)
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))  # not the campaign row (audit.py)
            .select_related("campaign")
            .get(pk=report.pk)
        )
        if report.status != ReportStatus.READY:
            raise ValidationError("Báo cáo không ở trạng thái chờ ký duyệt.")
        with report.file.open("rb") as handle:
            content = handle.read()
        if not read_sha256 or sha256(content) != read_sha256 or report.sha256 != read_sha256:
            raise ValidationError(
                "Tệp báo cáo đã thay đổi sau khi đồng chí mở đọc. Vui lòng đọc lại bản mới "
                "trước khi ký."
            )
        box = report.signature_box or {"page": 0, "box": [330, 60, 560, 130]}
        signed = signing.sign_pdf(
            content,
            signer_name=report.campaign.signer_name or by.get_full_name() or by.username,
            place=report.campaign.issuing_place,
            page=box["page"],
            box=tuple(box["box"]),
        )
        signoff = SignOff(
            report=report,
            signed_by=by,
            signed_at=timezone.now(),
            read_sha256=read_sha256,
            signed_sha256=sha256(signed),
            certificate_subject=signing.certificate_subject()[:300],
        )
        signoff.signed_file.save("signed.pdf", ContentFile(signed), save=False)
        signoff.save()
        report.status = ReportStatus.SIGNED
        report.save(update_fields=["status"])
        if report.kind == "award_decision":
            _sign_award_decision(report, by)
    return signoff


def _sign_award_decision(report: Report, by) -> None:
    """Signing the decision's PDF signs the decision itself (same transaction): the awards are
    then in the recipients' history either way. `decision_sign` is idempotent."""
    from awards.models import AwardDecision, DecisionStatus
    from awards.services import decision_sign

    decision = AwardDecision.objects.filter(pk=report.object_id).first()
    if decision is None:
        raise ValidationError("Không tìm thấy quyết định khen thưởng của văn bản này.")
    if decision.status == DecisionStatus.DRAFT:
        decision_sign(decision=decision, by=by)


def report_return(*, report: Report, by, comment: str) -> Report:
    """The chairman sends a report back with a comment (ready → returned)."""
    require(by, "report.sign", report)
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": "Vui lòng ghi ý kiến khi trả lại báo cáo."})
    updated = audited_update(
        Report.objects.filter(pk=report.pk, status=ReportStatus.READY),
        actor=by,
        reason=f"Trả lại: {comment}",
        status=ReportStatus.RETURNED,
        return_comment=comment,
    )
    if not updated:
        raise ValidationError("Báo cáo không ở trạng thái chờ ký duyệt.")
    report.refresh_from_db()
    return report


def report_regenerate(*, report: Report, by, narrative: dict[str, Any]) -> Report:
    """Save the narrative and make a new version from the current data."""
    require(by, "report.edit_narrative", report)
    return report_request(
        campaign=report.campaign,
        kind=report.kind,
        year=report.year,
        object_id=report.object_id,
        by=by,
        narrative=narrative,
    )


def data_changed_since(report: Report) -> bool | None:
    """Has the data under a signed (or ready) report changed since it was rendered?"""
    if not report.context_hash:
        return None
    try:
        return rendering.current_data_hash(report) != report.context_hash
    except Exception:
        log.exception("could not recompute data hash for report %s", report.pk)
        return None
