"""Writes of the yearly cycle: registration, self-assessment (save, evidence, submit), review
(scores, return, approve, reopen) and deadline extensions.

Every transition is a compare-and-swap on the status (and on `revision` for saves), so a second
caller loses cleanly; every write is one transaction and leaves a history row.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Model
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, update_change_reason

from portal.access import can, require
from portal.audit import audited_update
from portal.concurrency import guarded_changes
from portal.models import User
from portal.notify import notify, unit_officers
from portal.uploads import EVIDENCE_EXTENSIONS, check_upload

from .. import deadlines
from ..deadlines import Deadline, deadline_for
from ..models import (
    Assessment,
    AssessmentItem,
    AssessmentStatus,
    Campaign,
    CriteriaSetStatus,
    Evidence,
    ExtensionRequest,
    ExtensionStatus,
    Registration,
    Unit,
    ValueType,
)
from . import risk, rules
from .rules import pts

if TYPE_CHECKING:
    from portal.access import AnyUser

__all__ = ["Deadline", "deadline_for"]  # re-exported (see campaigns/deadlines.py)

EDITABLE = (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)


M = TypeVar("M", bound=Model)


def _today() -> datetime.date:
    return deadlines.today()


def _check_year(campaign: Campaign, year: int) -> None:
    if year not in campaign.years:
        raise ValidationError(
            {
                "year": f"Năm {year} nằm ngoài thời gian của phong trào "
                f"({campaign.start_year}–{campaign.end_year})."
            }
        )


def _history_note(obj: Model, reason: str) -> None:
    """Attach a reason to the history row the last save wrote."""
    update_change_reason(obj, reason)


def _as(obj: M, by: User | None) -> M:
    """Record `by` as the author of the next history row (outside a request too)."""
    if by is not None and getattr(by, "is_authenticated", False):
        obj._history_user = by  # type: ignore[attr-defined]  # read by simple_history
    return obj


# --- Registration ----------------------------------------------------------------------------


def registration_save(
    *,
    campaign: Campaign,
    unit: Unit,
    year: int,
    commitments: str,
    target_level: str = "",
    villages_to_standard: int | None = None,
    by: User,
    replace: bool | None = None,
) -> Registration:
    """Create or update a unit's registration for a year (one per unit, year and campaign).

    `replace` is None when an existing registration is edited. "Đăng ký mới" passes False: when
    the unit already has a registration for the year it is refused with
    `registration_exists_message` (code "registration_exists") until the user confirms the
    replacement (True). A replaced registration stays in the row's history; the new record
    carries the reason "Thay thế đăng ký đã có"."""
    _check_year(campaign, year)
    if not commitments.strip():
        raise ValidationError({"commitments": "Nhập nội dung đăng ký thi đua."})
    if rules.target_group_for(unit.kind) != "b":
        target_level, villages_to_standard = "", None
    with transaction.atomic():
        existing = (
            Registration.objects.select_for_update()
            .filter(campaign=campaign, unit=unit, year=year)
            .first()
        )
        if existing is not None and replace is False:
            raise ValidationError(registration_exists_message(existing), code="registration_exists")
        registration, created = Registration.objects.select_for_update().get_or_create(
            campaign=campaign,
            unit=unit,
            year=year,
            defaults={
                "commitments": commitments.strip(),
                "target_level": target_level,
                "villages_to_standard": villages_to_standard,
                "submitted_by": by,
            },
        )
        if not created:
            registration.commitments = commitments.strip()
            registration.target_level = target_level
            registration.villages_to_standard = villages_to_standard
            registration.submitted_by = by
            fields = ["commitments", "target_level", "villages_to_standard", "submitted_by"]
            if replace:
                registration.submitted_at = timezone.now()
                fields.append("submitted_at")
            _as(registration, by).save(update_fields=fields)
            if replace:
                _history_note(registration, "Thay thế đăng ký đã có")
    return registration


def registration_exists_message(existing: Registration) -> str:
    who = f" bởi {existing.submitted_by.display_name}" if existing.submitted_by else ""
    when = timezone.localtime(existing.submitted_at)
    return (
        f"{existing.unit.name} đã có đăng ký thi đua năm {existing.year}, lưu ngày "
        f"{when:%d/%m/%Y}{who}. Lưu đăng ký mới sẽ thay thế đăng ký đó; "
        "nội dung cũ vẫn được giữ trong lịch sử. Đánh dấu “Thay thế đăng ký đã có” rồi lưu "
        "lại nếu muốn thay thế."
    )


# --- Deadlines -------------------------------------------------------------------------------


# `Deadline` and `deadline_for` live in campaigns/deadlines.py (one answer for every page);
# they are re-exported here for the views and tests that name them through this module.


def _closed_message(deadline: Deadline) -> str:
    return (
        f"Đã quá hạn báo cáo ({deadline.effective:%d/%m/%Y}). Đơn vị cần gửi đề nghị gia hạn "
        "và được Cơ quan thường trực đồng ý trước khi tiếp tục."
    )


# --- Self-assessment -------------------------------------------------------------------------


def assessment_start(*, campaign: Campaign, unit: Unit, year: int, by: User) -> Assessment:
    """Open the unit's self-assessment for a year on the criteria set that applies; the set is
    then in use (locked: changes make a new version)."""
    _check_year(campaign, year)
    existing = Assessment.objects.filter(campaign=campaign, unit=unit, year=year).first()
    if existing is not None:
        return existing
    deadline = deadline_for(campaign=campaign, unit_id=unit.pk, year=year)
    if deadline.is_closed(_today()):
        raise ValidationError(_closed_message(deadline))
    criteria_set = rules.criteria_set_for(campaign=campaign, kind=unit.kind, year=year)
    if criteria_set is None or not criteria_set.criteria.exists():
        raise ValidationError(
            "Chưa có bộ tiêu chí thi đua áp dụng cho loại đơn vị này; đề nghị liên hệ Cơ quan "
            "thường trực."
        )
    with transaction.atomic():
        assessment, created = Assessment.objects.get_or_create(
            campaign=campaign,
            unit=unit,
            year=year,
            defaults={"criteria_set": criteria_set},
        )
        if created:
            bulk_create_with_history(
                [
                    AssessmentItem(assessment=assessment, criterion=c)
                    for c in criteria_set.criteria.all()
                ],
                AssessmentItem,
                default_user=by if getattr(by, "is_authenticated", False) else None,
            )
            risk.touch(assessment.pk)  # bulk-created items send no signal
            if criteria_set.status == CriteriaSetStatus.EDITABLE:
                criteria_set.status = CriteriaSetStatus.IN_USE
                criteria_set.save(update_fields=["status"])
            _history_note(assessment, "Bắt đầu tự đánh giá")
    return assessment


def _stale_message(assessment: Assessment) -> str:
    latest = assessment.history.select_related("history_user").order_by("-history_date").first()
    who = "người khác"
    when = ""
    if latest is not None:
        user = latest.history_user
        who = (getattr(user, "display_name", None) or str(user)) if user else "người khác"
        when = timezone.localtime(latest.history_date).strftime("%H:%M %d/%m/%Y")
    return f"Bản này vừa được {who} lưu lúc {when}; tải lại để xem trước khi sửa tiếp."


def _claim_revision(
    assessment: Assessment, expected_revision: int, *, by: User, reason: str = "", **values: Any
) -> int:
    """Compare-and-swap on (status editable, revision): the save wins only if nobody else saved
    since the form was loaded. The new revision and `values` are written in the same audited
    update (one history row, one audit event). Returns the new revision."""
    updated = audited_update(
        Assessment.objects.filter(
            pk=assessment.pk, revision=expected_revision, status__in=EDITABLE
        ),
        actor=by,
        reason=reason,
        revision=F("revision") + 1,
        updated_at=timezone.now(),
        **values,
    )
    if updated == 0:
        current = Assessment.objects.get(pk=assessment.pk)
        if current.status not in EDITABLE:
            raise ValidationError(
                f"Bản tự đánh giá đang ở trạng thái “{current.get_status_display()}”, không sửa "
                "được."
            )
        raise ValidationError(_stale_message(current), code="stale")
    return expected_revision + 1


def editable_item_ids(assessment: Assessment) -> set[int] | None:
    """When a return sent back single criteria, only those are open; None means all."""
    if assessment.status != AssessmentStatus.RETURNED:
        return None
    ids = set(assessment.items.filter(returned=True).values_list("pk", flat=True))
    return ids or None


ITEM_FIELDS = ("value_bool", "value_number", "value_text", "note", "self_score")


def assessment_save(
    *,
    assessment: Assessment,
    revision: int,
    items: dict[int, dict[str, Any]],
    summary: str | None = None,
    by: User,
) -> Assessment:
    """Save the officer's values. `items` maps item id → cleaned field values (see ITEM_FIELDS).
    Refused when the assessment is not editable or someone saved since `revision`."""
    with transaction.atomic(), risk.deferred():
        current = Assessment.objects.get(pk=assessment.pk)
        if current.status not in EDITABLE or current.revision != revision:
            _claim_revision(current, revision, by=by)  # writes nothing; raises the right message
        open_ids = editable_item_ids(current)
        pending = []
        for item in current.items.select_related("criterion"):
            values = items.get(item.pk)
            if values is None or (open_ids is not None and item.pk not in open_ids):
                continue
            _check_item_values(item, values)
            changed = [f for f in ITEM_FIELDS if f in values and getattr(item, f) != values[f]]
            if changed:
                for f in changed:
                    setattr(item, f, values[f])
                pending.append((item, changed))
        summary_changed = summary is not None and summary != current.summary
        if not pending and not summary_changed:
            # Nothing to write (e.g. an autosave after a field was left unchanged).
            assessment.refresh_from_db()
            return assessment
        # Compare-and-swap first: a concurrent save of the same revision loses here. The claim
        # is the assessment's one history row (and audit event) for this save, so "who saved
        # when" is on the page even for item-only saves.
        _claim_revision(
            current,
            revision,
            by=by,
            reason="Lưu nháp",
            **({"summary": summary} if summary_changed else {}),
        )
        for item, changed in pending:
            _as(item, by).save(update_fields=changed)
        assessment.refresh_from_db()
    return assessment


def _check_item_values(item: AssessmentItem, values: dict[str, Any]) -> None:
    """The last line of defence for values (the form already checks them)."""
    criterion = item.criterion
    label = f"Tiêu chí {criterion.number}"
    number = values.get("value_number")
    if number is not None:
        if criterion.value_type == ValueType.PERCENT and not (0 <= number <= 100):
            raise ValidationError(f"{label}: tỷ lệ phải từ 0 đến 100%.")
        if criterion.value_type == ValueType.MONEY and number < 0:
            raise ValidationError(f"{label}: số tiền không được âm.")
        if criterion.value_type == ValueType.SCORE and not (0 <= number <= criterion.max_points):
            raise ValidationError(f"{label}: điểm phải từ 0 đến {pts(criterion.max_points)}.")
    score = values.get("self_score")
    if score is not None and not (0 <= score <= criterion.max_points):
        raise ValidationError(f"{label}: điểm tự chấm phải từ 0 đến {pts(criterion.max_points)}.")


def evidence_add(*, item: AssessmentItem, upload: UploadedFile, by: User) -> Evidence:
    """Attach a checked file to one criterion (content sniffed, size limited, generated name)."""
    checked = check_upload(upload, allowed=EVIDENCE_EXTENSIONS)
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=item.assessment_id)
        if assessment.status not in EDITABLE:
            raise ValidationError(
                "Bản tự đánh giá đã nộp hoặc đã duyệt, không thêm minh chứng được."
            )
        open_ids = editable_item_ids(assessment)
        if open_ids is not None and item.pk not in open_ids:
            raise ValidationError("Tiêu chí này không thuộc các tiêu chí được yêu cầu bổ sung.")
        evidence = Evidence(
            item=item,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=by,
        )
        evidence.file.save(f"{uuid.uuid4().hex}.{checked.extension}", upload, save=False)
        _as(evidence, by).save()
    return evidence


def evidence_delete(*, evidence: Evidence, by: User) -> None:
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=evidence.item.assessment_id)
        if assessment.status not in EDITABLE:
            raise ValidationError(
                "Bản tự đánh giá đã nộp hoặc đã duyệt, không xóa minh chứng được."
            )
        open_ids = editable_item_ids(assessment)
        if open_ids is not None and evidence.item_id not in open_ids:
            raise ValidationError("Tiêu chí này không thuộc các tiêu chí được yêu cầu bổ sung.")
        _as(evidence, by).delete()
        risk.touch(assessment.pk)
    # The file stays in storage: the history row still names it (kept for audit).


def submission_problems(
    assessment: Assessment, items: Iterable[AssessmentItem] | None = None
) -> list[str]:
    """What stops a submission: criteria without a self-score, claimed points without the
    required evidence. `items`: the assessment's items with criterion and evidence, when the
    caller has them already."""
    problems = []
    if items is None:
        items = assessment.items.select_related("criterion").prefetch_related("evidence")
    for item in items:
        c = item.criterion
        if item.self_score is None:
            problems.append(f"Tiêu chí {c.number}: chưa tự chấm điểm.")
        elif c.evidence_required and item.self_score > 0 and not item.evidence.all():
            problems.append(f"Tiêu chí {c.number}: bắt buộc có minh chứng khi tự chấm điểm.")
    return problems


def assessment_submit(*, assessment: Assessment, by: User) -> Assessment:
    """draft/returned → submitted. A first submission after the deadline needs an extension; a
    submission after the campaign's deadline is marked late."""
    problems = submission_problems(assessment)
    if problems:
        raise ValidationError(problems)
    today = _today()
    deadline = deadline_for(
        campaign=assessment.campaign, unit_id=assessment.unit_id, year=assessment.year
    )
    if assessment.status == AssessmentStatus.DRAFT and deadline.is_closed(today):
        raise ValidationError(_closed_message(deadline))
    with transaction.atomic():
        old = assessment.status
        now = timezone.now()
        # A late submission stays marked late; an on-time one keeps what the row says.
        late = {"is_late": True} if deadline.is_late(today) else {}
        updated = audited_update(
            Assessment.objects.filter(pk=assessment.pk, status__in=EDITABLE),
            actor=by,
            reason="Nộp lại sau khi bổ sung" if old == AssessmentStatus.RETURNED else "Nộp",
            status=AssessmentStatus.SUBMITTED,
            submitted_at=now,
            submitted_by=by,
            extension_until=deadline.extension_until,
            revision=F("revision") + 1,
            updated_at=now,
            **late,
        )
        if updated == 0:
            raise ValidationError("Bản tự đánh giá đã được nộp hoặc đã duyệt.")
        assessment.refresh_from_db()
    return assessment


# --- Review ----------------------------------------------------------------------------------


def require_reviewer(user: AnyUser, assessment: Assessment) -> None:
    """The reviewer's capability on this assessment: the economic office holds it for communes
    and villages only (portal.roles.UNIT_KINDS)."""
    require(user, "assessment.review")
    if not can(user, "assessment.review", assessment):
        raise PermissionDenied("Phòng Kinh tế chỉ thẩm định kết quả của xã và thôn.")


def review_save(
    *,
    assessment: Assessment,
    scores: dict[int, dict[str, Any]],
    by: User,
    seen: str | None = None,
) -> Assessment:
    """Reviewer's score and comment per item. A score below the self-score needs a reason.

    `seen` is the review form's token (portal/concurrency.py): only the criteria the reviewer
    changed are written, so two reviewers scoring different criteria both keep their work; the
    same criterion changed by both refuses the later save with who and when."""
    require_reviewer(by, assessment)
    errors = []
    with transaction.atomic(), risk.deferred():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.status != AssessmentStatus.SUBMITTED:
            raise ValidationError("Chỉ thẩm định được bản đã nộp.")
        for item in locked.items.select_related("criterion").select_for_update(of=("self",)):
            values = scores.get(item.pk)
            if values is None:
                continue
            n = item.criterion.number
            mine: dict[str, Any] = {
                "reviewer_score": values.get("reviewer_score"),
                "reviewer_comment": (values.get("reviewer_comment") or "").strip(),
                "returned": bool(values.get("returned")),
            }
            if seen is not None:
                mine = guarded_changes(item, seen, mine, what=f"thẩm định tiêu chí {n}")
            if not mine:
                continue
            score = mine.get("reviewer_score", item.reviewer_score)
            comment = mine.get("reviewer_comment", item.reviewer_comment)
            returned = mine.get("returned", item.returned)
            if score is not None and not (0 <= score <= item.criterion.max_points):
                errors.append(
                    f"Tiêu chí {n}: điểm thẩm định phải từ 0 đến {pts(item.criterion.max_points)}."
                )
                continue
            if (
                score is not None
                and item.self_score is not None
                and score < item.self_score
                and not comment
            ):
                errors.append(f"Tiêu chí {n}: hạ điểm so với điểm tự chấm phải ghi rõ lý do.")
                continue
            if returned and not comment:
                errors.append(f"Tiêu chí {n}: trả lại tiêu chí phải ghi nội dung cần bổ sung.")
                continue
            changed = []
            for field, value in (
                ("reviewer_score", score),
                ("reviewer_comment", comment),
                ("returned", returned),
            ):
                if getattr(item, field) != value:
                    setattr(item, field, value)
                    changed.append(field)
            if changed:
                _as(item, by).save(update_fields=changed)
        if errors:
            raise ValidationError(errors)
    return locked


def _snapshot(item: AssessmentItem) -> dict[str, Any]:
    return {
        "value": item_value_display(item),
        "self_score": None if item.self_score is None else str(item.self_score),
        "note": item.note,
        "evidence": sorted(e.original_name for e in item.evidence.all()),
    }


def item_value_display(item: AssessmentItem) -> str:
    vt = item.criterion.value_type
    if vt == ValueType.YES_NO:
        return {True: "Có", False: "Không"}.get(item.value_bool, "")  # type: ignore[arg-type]  # None: the default
    if vt == ValueType.TEXT:
        return item.value_text
    if item.value_number is None:
        return ""
    return f"{item.value_number.normalize():f}"


def review_decide(
    *,
    assessment: Assessment,
    scores: dict[int, dict[str, Any]],
    action: str,
    by: User,
    reason: str = "",
    seen: str | None = None,
) -> Assessment:
    """The review form's one button: save the reviewer's scores, then (`action`) return the
    assessment with `reason` or approve it — all or nothing ("save" only saves)."""
    with transaction.atomic():
        review_save(assessment=assessment, scores=scores, by=by, seen=seen)
        if action == "return":
            assessment_return(assessment=assessment, reason=reason, by=by)
        elif action == "approve":
            assessment_approve(assessment=assessment, by=by)
    return assessment


def assessment_return(*, assessment: Assessment, reason: str, by: User) -> Assessment:
    """submitted → returned with a reason. Items flagged `returned` are the ones sent back (none
    flagged: the whole form). What each item held is kept to show the diff on resubmission."""
    require_reviewer(by, assessment)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Trả lại phải ghi rõ lý do."})
    with transaction.atomic():
        updated = audited_update(
            Assessment.objects.filter(pk=assessment.pk, status=AssessmentStatus.SUBMITTED),
            actor=by,
            reason=f"Trả lại: {reason}",
            status=AssessmentStatus.RETURNED,
            return_reason=reason,
            revision=F("revision") + 1,
            updated_at=timezone.now(),
        )
        if updated == 0:
            raise ValidationError("Bản tự đánh giá không còn ở trạng thái chờ thẩm định.")
        assessment.refresh_from_db()
        sent_back = []
        for item in assessment.items.select_related("criterion").prefetch_related("evidence"):
            item.return_snapshot = _snapshot(item)
            _as(item, by).save(update_fields=["return_snapshot"])
            if item.returned:
                sent_back.append(str(item.criterion.number))
        criteria = (
            f"Các tiêu chí cần bổ sung: {', '.join(sent_back)}."
            if sent_back
            else "Trả lại toàn bộ."
        )
        notify(
            "returned",
            users=[*unit_officers(assessment.unit), assessment.submitted_by],
            event=f"assessment:{assessment.pk}:{assessment.revision}",
            subject=f"Bản tự đánh giá năm {assessment.year} của {assessment.unit.name} bị trả lại",
            body=(
                f"Bản tự đánh giá năm {assessment.year} của {assessment.unit.name} đã được trả "
                f"lại để bổ sung.\nLý do: {reason}\n{criteria}"
            ),
            path=assessment.get_absolute_url(),
        )
    return assessment


def assessment_approve(*, assessment: Assessment, by: User) -> Assessment:
    """submitted → approved (locked). Items the reviewer did not score keep their self-score."""
    require_reviewer(by, assessment)
    with transaction.atomic(), risk.deferred():
        now = timezone.now()
        updated = audited_update(
            Assessment.objects.filter(pk=assessment.pk, status=AssessmentStatus.SUBMITTED),
            actor=by,
            reason="Duyệt",
            status=AssessmentStatus.APPROVED,
            approved_at=now,
            approved_by=by,
            revision=F("revision") + 1,
            updated_at=now,
        )
        if updated == 0:
            raise ValidationError("Bản tự đánh giá không còn ở trạng thái chờ thẩm định.")
        assessment.refresh_from_db()
        for item in assessment.items.filter(reviewer_score__isnull=True):
            item.reviewer_score = item.self_score
            _as(item, by).save(update_fields=["reviewer_score"])
        for item in assessment.items.filter(returned=True):
            item.returned = False
            _as(item, by).save(update_fields=["returned"])
        # Approved, its total is the one next year's assessment is compared with.
        risk.touch(assessment.pk)
    return assessment


def assessments_bulk_approve(*, assessments: list[Assessment], by: User) -> tuple[int, list[str]]:
    """Approve several, each through `assessment_approve` (own transaction and history).
    Returns (approved count, messages for those refused)."""
    done, refused = 0, []
    for assessment in assessments:
        try:
            assessment_approve(assessment=assessment, by=by)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            text = "; ".join(getattr(exc, "messages", [str(exc)]))
            refused.append(f"{assessment.unit.name} ({assessment.year}): {text}")
    return done, refused


def assessment_reopen(*, assessment: Assessment, reason: str, by: User) -> Assessment:
    """approved → submitted, by the secretariat only, with a reason kept in the history."""
    require(by, "assessment.reopen", assessment)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Mở lại bản đã duyệt phải ghi rõ lý do."})
    with transaction.atomic():
        updated = audited_update(
            Assessment.objects.filter(pk=assessment.pk, status=AssessmentStatus.APPROVED),
            actor=by,
            reason=f"Mở lại bản đã duyệt: {reason}",
            status=AssessmentStatus.SUBMITTED,
            approved_at=None,
            approved_by=None,
            revision=F("revision") + 1,
            updated_at=timezone.now(),
        )
        if updated == 0:
            raise ValidationError("Chỉ mở lại được bản đã duyệt.")
        assessment.refresh_from_db()
        # No longer approved: next year's assessment has no total to compare with.
        risk.touch(assessment.pk)
    return assessment


# --- Extensions ------------------------------------------------------------------------------


def extension_request(
    *, campaign: Campaign, unit: Unit, year: int, reason: str, by: User
) -> ExtensionRequest:
    _check_year(campaign, year)
    if not reason.strip():
        raise ValidationError({"reason": "Nêu lý do xin gia hạn."})
    if ExtensionRequest.objects.filter(
        campaign=campaign, unit=unit, year=year, status=ExtensionStatus.PENDING
    ).exists():
        raise ValidationError("Đơn vị đã có đề nghị gia hạn đang chờ xem xét cho năm này.")
    return ExtensionRequest.objects.create(
        campaign=campaign, unit=unit, year=year, reason=reason.strip(), requested_by=by
    )


def extension_decide(
    *,
    extension: ExtensionRequest,
    grant: bool,
    until: datetime.date | None = None,
    note: str = "",
    by: User,
) -> ExtensionRequest:
    """Grant (until a date after the deadline) or refuse a pending request."""
    require(by, "extension.grant", extension)
    if extension.status != ExtensionStatus.PENDING:
        raise ValidationError("Đề nghị này đã được xem xét.")
    if grant:
        due = rules.yearly_deadline(campaign=extension.campaign, year=extension.year)
        if until is None:
            raise ValidationError({"until": "Chọn ngày gia hạn đến."})
        if due is not None and until <= due:
            raise ValidationError({"until": f"Ngày gia hạn phải sau hạn báo cáo ({due:%d/%m/%Y})."})
        if until < _today():
            raise ValidationError(
                {
                    "until": f"Ngày gia hạn {until:%d/%m/%Y} đã qua; chọn một ngày từ hôm nay "
                    f"({_today():%d/%m/%Y}) trở đi."
                }
            )
    elif not note.strip():
        raise ValidationError({"note": "Không gia hạn phải nêu lý do."})
    with transaction.atomic():
        updated = audited_update(
            ExtensionRequest.objects.filter(pk=extension.pk, status=ExtensionStatus.PENDING),
            actor=by,
            reason="Gia hạn" if grant else "Không gia hạn",
            status=ExtensionStatus.GRANTED if grant else ExtensionStatus.REFUSED,
            until=until if grant else None,
            decision_note=note.strip(),
            decided_by=by,
            decided_at=timezone.now(),
        )
        if updated == 0:
            raise ValidationError("Đề nghị này đã được xem xét.")
        # audited_update wrote the history row and the audit event for the decision.
        extension.refresh_from_db()
        answer = (
            f"đồng ý gia hạn đến ngày {extension.until:%d/%m/%Y}"
            if grant
            else "không đồng ý gia hạn"
        )
        notify(
            "extension_answered",
            users=[*unit_officers(extension.unit), extension.requested_by],
            event=f"extension:{extension.pk}",
            subject=f"Trả lời đề nghị gia hạn năm {extension.year} của {extension.unit.name}",
            body=(
                f"Cơ quan thường trực Hội đồng Thi đua – Khen thưởng {answer} báo cáo năm "
                f"{extension.year} của {extension.unit.name}."
                + (f"\nÝ kiến: {extension.decision_note}" if extension.decision_note else "")
            ),
            path=reverse("campaigns:extension-list", args=[extension.campaign.code]),
        )
    return extension


def score_total(items: Iterable[AssessmentItem]) -> Decimal:
    return sum((i.self_score or Decimal(0) for i in items), Decimal(0))
