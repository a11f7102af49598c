"""Writes and state transitions of oversight: inspections, recommendations, sponsorship results,
difficulties, budget lines, news and released figures. Every function is keyword-only, atomic,
and raises ValidationError with a Vietnamese message when a business rule fails."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from portal.concurrency import absent_key, guarded_changes
from portal.models import User
from portal.uploads import check_upload
from units.models import Sponsorship, Unit

from .figures import target_figures
from .models import (
    MAX_VND,
    BudgetKind,
    BudgetLine,
    BudgetStatus,
    Feedback,
    FeedbackAttachment,
    FeedbackKind,
    FeedbackStatus,
    FigureRelease,
    Finding,
    Inspection,
    InspectionKind,
    NewsItem,
    Recommendation,
    RecommendationStatus,
    SponsorshipResult,
)

#: Allowed attachment types and size for difficulties (letters, scans, tables).
ATTACHMENT_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "docx", "xlsx", "doc", "xls", "odt", "ods")
MAX_ATTACHMENTS = 5


def _check_amount(value: Decimal | None, field: str, label: str) -> None:
    if value is None:
        return
    if value < 0:
        raise ValidationError({field: f"{label} không được âm."})
    if value > MAX_VND:
        raise ValidationError(
            {field: f"{label} vượt quá 1.000 tỷ đồng, vui lòng kiểm tra lại số tiền đã nhập."}
        )
    if value != value.to_integral_value():
        raise ValidationError({field: f"{label} tính bằng đồng, không có phần lẻ."})


def _check_year(campaign: Campaign, year: int) -> None:
    if not (campaign.start_year <= year <= campaign.end_year):
        raise ValidationError(
            {
                "year": f"Năm phải trong thời gian của phong trào "
                f"({campaign.start_year}–{campaign.end_year})."
            }
        )


# --- Inspections ------------------------------------------------------------------------------


@transaction.atomic
def inspection_save(
    *,
    inspection: Inspection | None,
    campaign: Campaign,
    year: int,
    kind: str,
    title: str,
    start_date: datetime.date,
    end_date: datetime.date,
    leader: str = "",
    members: Iterable[User] = (),
    other_members: str = "",
    units: Iterable[Unit],
    with_ntm_appraisal: bool = False,
    appraisal_reference: str = "",
    is_done: bool = False,
    is_sample: bool = False,
) -> Inspection:
    """Create or update one visit of the yearly inspection / supervision plan."""
    _check_year(campaign, year)
    if kind not in InspectionKind.values:
        raise ValidationError({"kind": "Hình thức không hợp lệ."})
    if end_date < start_date:
        raise ValidationError({"end_date": "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."})
    if start_date.year != year:
        raise ValidationError({"start_date": f"Ngày bắt đầu phải thuộc năm {year}."})
    units = list(units)
    if not units:
        raise ValidationError({"units": "Chọn ít nhất một đơn vị được kiểm tra, giám sát."})
    if inspection is None:
        inspection = Inspection(campaign=campaign)
    elif inspection.findings.exclude(unit__in=units).exists():
        raise ValidationError(
            {"units": "Không thể bỏ đơn vị đã có kết luận kiểm tra khỏi danh sách đơn vị."}
        )
    inspection.year = year
    inspection.kind = kind
    inspection.title = title.strip()
    inspection.start_date = start_date
    inspection.end_date = end_date
    inspection.leader = leader.strip()
    inspection.other_members = other_members.strip()
    inspection.with_ntm_appraisal = with_ntm_appraisal
    inspection.appraisal_reference = appraisal_reference.strip()
    inspection.is_done = is_done
    inspection.is_sample = is_sample
    inspection.save()
    inspection.members.set(members)
    inspection.units.set(units)
    return inspection


@transaction.atomic
def finding_create(
    *,
    inspection: Inspection,
    unit: Unit,
    content: str,
    recommendations: Sequence[str],
    due_date: datetime.date | None = None,
    by: User,
) -> Finding:
    """Record the findings at one visited unit, with one recommendation per given line."""
    if not inspection.units.filter(pk=unit.pk).exists():
        raise ValidationError({"unit": "Đơn vị này không có trong danh sách được kiểm tra."})
    if not content.strip():
        raise ValidationError({"content": "Nhập nội dung kết luận."})
    finding = Finding.objects.create(
        inspection=inspection, unit=unit, content=content.strip(), created_by=by
    )
    for text in recommendations:
        if text.strip():
            Recommendation.objects.create(finding=finding, content=text.strip(), due_date=due_date)
    return finding


@transaction.atomic
def recommendation_answer(
    *, recommendation: Recommendation, response: str, by: User
) -> Recommendation:
    """The inspected unit answers a recommendation (what it did or will do)."""
    if not response.strip():
        raise ValidationError({"response": "Nhập nội dung trả lời."})
    rec = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if rec.status == RecommendationStatus.DONE:
        raise ValidationError("Kiến nghị đã được xác nhận khắc phục, không thể sửa trả lời.")
    rec.response = response.strip()
    rec.responded_by = by
    rec.responded_at = timezone.now()
    rec.status = RecommendationStatus.ANSWERED
    rec.save(update_fields=["response", "responded_by", "responded_at", "status"])
    return rec


@transaction.atomic
def recommendation_follow_up(
    *, recommendation: Recommendation, status: str, note: str = ""
) -> Recommendation:
    """The secretariat records whether the recommendation has been carried out."""
    if status not in (RecommendationStatus.DONE, RecommendationStatus.NOT_DONE):
        raise ValidationError({"status": "Chọn “Đã khắc phục” hoặc “Chưa khắc phục”."})
    rec = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    rec.status = status
    rec.follow_up_note = note.strip()
    rec.save(update_fields=["status", "follow_up_note"])
    return rec


# --- Sponsorship results ----------------------------------------------------------------------


@transaction.atomic
def sponsorship_result_save(
    *,
    sponsorship: Sponsorship,
    year: int,
    commitment: str,
    support: str,
    amount_vnd: Decimal,
    is_sample: bool = False,
    seen: str | None = None,
) -> SponsorshipResult:
    """Create or update a sponsoring department's commitment and result for one year.

    `seen` is the page's edit-guard token (`sponsorship_result_guard`): a year's result saved by
    someone else since the page was built is kept field by field, and a conflicting change is
    refused (`StaleEdit`). None (imports, demo data) writes without the check."""
    _check_year(sponsorship.campaign, year)
    _check_amount(amount_vnd, "amount_vnd", "Giá trị hỗ trợ")
    if not support.strip():
        raise ValidationError({"support": "Nhập nội dung đã hỗ trợ."})
    result, created = SponsorshipResult.objects.select_for_update().get_or_create(
        sponsorship=sponsorship, year=year, defaults={"support": support.strip()}
    )
    mine = {"commitment": commitment.strip(), "support": support.strip(), "amount_vnd": amount_vnd}
    if seen is not None:
        mine = guarded_changes(
            result,
            seen,
            mine,
            absent=absent_key(SponsorshipResult, sponsorship=sponsorship.pk, year=year),
            created=created,
            what=f"kết quả giúp đỡ năm {year} của {sponsorship.sponsor.name}",
        )
    for name, value in mine.items():
        setattr(result, name, value)
    result.is_sample = is_sample
    result.save()
    return result


def sponsorship_result_guard(sponsorship: Sponsorship) -> dict[str, Any]:
    """What a sponsorship's result page guards: every year's stored result, and the campaign's
    other years as "not there yet" (the page saves whichever year is typed)."""
    rows = list(SponsorshipResult.objects.filter(sponsorship=sponsorship))
    have = {r.year for r in rows}
    campaign = sponsorship.campaign
    return {
        "guard": rows,
        "guard_absent": [
            absent_key(SponsorshipResult, sponsorship=sponsorship.pk, year=year)
            for year in range(campaign.start_year, campaign.end_year + 1)
            if year not in have
        ],
    }


# --- Difficulties and proposals ---------------------------------------------------------------


@transaction.atomic
def feedback_send(
    *,
    campaign: Campaign,
    unit: Unit,
    year: int,
    kind: str,
    subject: str,
    body: str,
    files: Sequence[UploadedFile] = (),
    by: User,
    is_sample: bool = False,
) -> Feedback:
    """A unit sends a difficulty or a proposed adjustment, with checked attachments."""
    _check_year(campaign, year)
    if kind not in FeedbackKind.values:
        raise ValidationError({"kind": "Loại không hợp lệ."})
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"files": f"Đính kèm tối đa {MAX_ATTACHMENTS} tệp."})
    checked = []
    errors = []
    for upload in files:
        try:
            checked.append((upload, check_upload(upload, allowed=ATTACHMENT_EXTENSIONS)))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"files": errors})
    feedback = Feedback.objects.create(
        campaign=campaign,
        unit=unit,
        year=year,
        kind=kind,
        subject=subject.strip(),
        body=body.strip(),
        sent_by=by,
        is_sample=is_sample,
    )
    for upload, info in checked:
        attachment = FeedbackAttachment(
            feedback=feedback,
            original_name=info.original_name,
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
        )
        attachment.file.save(info.original_name, upload, save=False)
        attachment.save()
    return feedback


def _locked_feedback(feedback: Feedback, allowed: Sequence[str], message: str) -> Feedback:
    """Lock the row and check its status, so two secretaries acting at once cannot both win."""
    locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if locked.status not in allowed:
        raise ValidationError(message)
    return locked


@transaction.atomic
def feedback_assign(*, feedback: Feedback, assignee: User) -> Feedback:
    """Give a difficulty to a secretariat officer to handle."""
    from portal.access import can

    if not can(assignee, "feedback.answer"):
        raise ValidationError({"assignee": "Người được giao phải thuộc cơ quan thường trực."})
    feedback = _locked_feedback(
        feedback,
        [FeedbackStatus.NEW, FeedbackStatus.ASSIGNED],
        "Khó khăn, đề xuất này đã được trả lời hoặc đã đóng.",
    )
    feedback.assignee = assignee
    feedback.status = FeedbackStatus.ASSIGNED
    feedback.save(update_fields=["assignee", "status"])
    return feedback


@transaction.atomic
def feedback_answer(
    *,
    feedback: Feedback,
    answer: str,
    led_to_adjustment: bool = False,
    adjustment_note: str = "",
    by: User,
) -> Feedback:
    """Answer a difficulty (or amend the answer) and notify the sender by e-mail."""
    if not answer.strip():
        raise ValidationError({"answer": "Nhập nội dung trả lời."})
    if led_to_adjustment and not adjustment_note.strip():
        raise ValidationError({"adjustment_note": "Ghi rõ nội dung kế hoạch đã được điều chỉnh."})
    feedback = _locked_feedback(
        feedback,
        [FeedbackStatus.NEW, FeedbackStatus.ASSIGNED, FeedbackStatus.ANSWERED],
        "Khó khăn, đề xuất này đã đóng, không thể trả lời thêm.",
    )
    feedback.answer = answer.strip()
    feedback.answered_by = by
    feedback.answered_at = timezone.now()
    feedback.status = FeedbackStatus.ANSWERED
    feedback.led_to_adjustment = led_to_adjustment
    feedback.adjustment_note = adjustment_note.strip() if led_to_adjustment else ""
    if feedback.assignee_id is None:
        feedback.assignee = by
    feedback.save(
        update_fields=[
            "answer",
            "answered_by",
            "answered_at",
            "status",
            "led_to_adjustment",
            "adjustment_note",
            "assignee",
        ]
    )
    pk = feedback.pk
    transaction.on_commit(lambda: _notify_sender(pk))
    return feedback


def _notify_sender(feedback_id: int) -> None:
    """E-mail the sender that their difficulty has been answered (the answer is also on the
    feedback page and the unit's page)."""
    feedback = Feedback.objects.select_related("sent_by", "unit").get(pk=feedback_id)
    sender = feedback.sent_by
    if sender is None or not sender.email:
        return
    link = getattr(settings, "SITE_URL", "").rstrip("/") + reverse(
        "campaigns:oversight:feedback-detail", args=[feedback.pk]
    )
    send_mail(
        subject=f"Trả lời: {feedback.subject}",
        message=(
            f"Kính gửi {sender.display_name},\n\n"
            f"Cơ quan thường trực Hội đồng Thi đua – Khen thưởng đã trả lời "
            f"{feedback.get_kind_display().lower()} “{feedback.subject}” của {feedback.unit.name}:"
            f"\n\n{feedback.answer}\n\nXem chi tiết: {link}\n"
        ),
        from_email=None,
        recipient_list=[sender.email],
        fail_silently=True,
    )


@transaction.atomic
def feedback_close(*, feedback: Feedback) -> Feedback:
    """Close an answered difficulty."""
    feedback = _locked_feedback(
        feedback, [FeedbackStatus.ANSWERED], "Chỉ đóng được khó khăn, đề xuất đã có trả lời."
    )
    feedback.status = FeedbackStatus.CLOSED
    feedback.closed_at = timezone.now()
    feedback.save(update_fields=["status", "closed_at"])
    return feedback


# --- Budget needs -----------------------------------------------------------------------------


@transaction.atomic
def budget_line_save(
    *,
    line: BudgetLine | None,
    campaign: Campaign,
    year: int,
    kind: str,
    description: str,
    amount_vnd: Decimal,
    proposing_unit: str,
    by: User,
    is_sample: bool = False,
) -> BudgetLine:
    """Create a proposed budget line, or edit one that has not been submitted yet."""
    _check_year(campaign, year)
    _check_amount(amount_vnd, "amount_vnd", "Số tiền đề xuất")
    if amount_vnd is not None and amount_vnd == 0:
        raise ValidationError({"amount_vnd": "Số tiền đề xuất phải lớn hơn 0."})
    if kind not in BudgetKind.values:
        raise ValidationError({"kind": "Nội dung chi không hợp lệ."})
    if line is None:
        line = BudgetLine(campaign=campaign, proposed_by=by)
    else:
        line = BudgetLine.objects.select_for_update().get(pk=line.pk)
        if line.status != BudgetStatus.PROPOSED:
            raise ValidationError("Dòng kinh phí đã trình hoặc đã duyệt, không sửa được.")
    line.year = year
    line.kind = kind
    line.description = description.strip()
    line.amount_vnd = amount_vnd
    line.proposing_unit = proposing_unit.strip()
    line.is_sample = is_sample
    line.save()
    return line


@transaction.atomic
def budget_line_submit(*, line: BudgetLine) -> BudgetLine:
    """Send a proposed line to the coordination office (Phòng Tài chính – Kế hoạch)."""
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    if line.status != BudgetStatus.PROPOSED:
        raise ValidationError("Dòng kinh phí này đã được trình trước đó.")
    line.status = BudgetStatus.SUBMITTED
    line.submitted_at = timezone.now()
    line.save(update_fields=["status", "submitted_at"])
    return line


@transaction.atomic
def budget_line_approve(
    *, line: BudgetLine, approved_amount_vnd: Decimal, approval_reference: str = ""
) -> BudgetLine:
    """Record the approved amount of a submitted line."""
    _check_amount(approved_amount_vnd, "approved_amount_vnd", "Số tiền được duyệt")
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    if line.status != BudgetStatus.SUBMITTED:
        raise ValidationError("Chỉ ghi nhận phê duyệt cho dòng kinh phí đã trình.")
    line.status = BudgetStatus.APPROVED
    line.approved_amount_vnd = approved_amount_vnd
    line.approval_reference = approval_reference.strip()
    line.approved_at = timezone.now()
    line.save(update_fields=["status", "approved_amount_vnd", "approval_reference", "approved_at"])
    return line


# --- News and released figures ----------------------------------------------------------------


@transaction.atomic
def news_save(
    *,
    item: NewsItem | None,
    campaign: Campaign,
    title: str,
    body: str,
    by: User,
    is_sample: bool = False,
) -> NewsItem:
    """Create or edit a news item (a published item stays published)."""
    if not title.strip() or not body.strip():
        raise ValidationError("Nhập tiêu đề và nội dung tin.")
    if item is None:
        item = NewsItem(campaign=campaign, created_by=by)
    item.title = title.strip()
    item.body = body.strip()
    item.is_sample = is_sample
    item.save()
    return item


@transaction.atomic
def news_publish(*, item: NewsItem, publish: bool = True) -> NewsItem:
    """Publish (or, with publish=False, withdraw) a news item from the public page."""
    item = NewsItem.objects.select_for_update().get(pk=item.pk)
    if publish and item.is_published:
        raise ValidationError("Tin này đã được đăng.")
    if not publish and not item.is_published:
        raise ValidationError("Tin này chưa được đăng.")
    item.published_at = timezone.now() if publish else None
    item.save(update_fields=["published_at"])
    return item


@transaction.atomic
def figures_release(*, campaign: Campaign, year: int, note: str = "", by: User) -> FigureRelease:
    """The chairman releases the campaign's target progress for a year: the numbers are computed
    now and frozen in the release, so later data changes never reach the public page unseen."""
    _check_year(campaign, year)
    figures = target_figures(campaign, year)
    if not figures:
        raise ValidationError("Phong trào chưa có chỉ tiêu nào để công bố.")
    return FigureRelease.objects.create(
        campaign=campaign, year=year, figures=figures, note=note.strip(), released_by=by
    )
