"""Writes of nominations (create, dossier, submit, return, check, consultation, reject) and of
exemplars. Every function is keyword-only, atomic, and refuses bad input with a Vietnamese
ValidationError, changing nothing; the person acting is `by`."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.audit import audited_update
from portal.uploads import check_upload
from units.models import Person, Unit

from .. import integrity
from ..eligibility import verdict
from ..models import (
    AwardTier,
    ConsultationComment,
    DocumentKind,
    Exemplar,
    Nomination,
    NominationDocument,
    NominationEvent,
    NominationStatus,
    NomineeKind,
    PeriodKind,
)
from ..selectors import today, vote_rule_for
from . import selectors as sel

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from campaigns.models import Assessment, Campaign
    from portal.models import User

S = NominationStatus


DOSSIER_EXTENSIONS = ("pdf", "docx", "doc", "odt", "jpg", "jpeg", "png")


def nomination_move(
    *, nomination: Nomination, old: Iterable[str], new: str, by: User, note: str = "", **fields: Any
) -> None:
    """Move a nomination from one of the `old` statuses to `new`, with its event. Compare-and-swap
    on status: a second caller (or a stale page) loses cleanly."""
    old = list(old)
    updated = audited_update(
        Nomination.objects.filter(pk=nomination.pk, status__in=old),
        actor=by,
        reason=note[:300],
        status=new,
        **fields,
    )
    if not updated:
        current = (
            Nomination.objects.filter(pk=nomination.pk).values_list("status", flat=True).first()
        )
        label = S(current).label if current else "không còn tồn tại"
        raise ValidationError(
            f"Không thể chuyển đề nghị sang “{S(new).label}” khi đang ở trạng thái “{label}”."
        )
    NominationEvent.objects.create(
        nomination=nomination, from_status=nomination.status, to_status=new, by=by, note=note
    )
    nomination.status = new
    for key, value in fields.items():
        setattr(nomination, key, value)


@transaction.atomic
def nomination_create(
    *,
    by: User,
    campaign: Campaign,
    tier: AwardTier,
    proposer_unit: Unit,
    period_kind: str,
    period_year: int,
    achievements: str,
    unit: Unit | None = None,
    person: Person | None = None,
    exemplars: Iterable[Exemplar] = (),
    assessments: Iterable[Assessment] = (),
    facts: dict[str, Any] | None = None,
    is_sample: bool = False,
) -> Nomination:
    if (unit is None) == (person is None):
        raise ValidationError("Chọn một tập thể, hộ gia đình hoặc một cá nhân được đề nghị.")
    if not tier.is_active:
        raise ValidationError(f"“{tier.name}” không còn được sử dụng.")
    kind = sel.nominee_kind_of(unit=unit, person=person)
    if not tier.accepts(kind):
        raise ValidationError(
            f"“{tier.name}” không xét cho đối tượng {NomineeKind(kind).label.lower()}; "
            "chỉ xét cho: "
            f"{', '.join(tier.nominee_kind_labels()).lower()}."
        )
    if not (campaign.start_year <= period_year <= campaign.end_year + 1):
        raise ValidationError(
            f"Năm {period_year} nằm ngoài thời gian phong trào "
            f"({campaign.start_year}–{campaign.end_year})."
        )
    if period_kind == PeriodKind.PRELIMINARY and campaign.preliminary_review_year:
        period_year = campaign.preliminary_review_year
    if period_kind == PeriodKind.FINAL and campaign.final_review_year:
        period_year = campaign.final_review_year
    duplicate = Nomination.objects.filter(
        campaign=campaign,
        tier=tier,
        unit=unit,
        person=person,
        period_kind=period_kind,
        period_year=period_year,
    ).exclude(status__in=[S.FAILED, S.REJECTED])
    if duplicate.exists():
        raise ValidationError("Đối tượng này đã có đề nghị cùng hình thức trong cùng đợt xét.")
    nomination = Nomination.objects.create(
        campaign=campaign,
        tier=tier,
        unit=unit,
        person=person,
        proposer_unit=proposer_unit,
        period_kind=period_kind,
        period_year=period_year,
        reference_date=sel.default_reference_date(period_year),
        achievements=achievements,
        facts={k: int(v) for k, v in (facts or {}).items() if v is not None},
        created_by=by,
        is_sample=is_sample,
    )
    nomination.exemplars.set(exemplars)
    nomination.assessments.set(assessments)
    NominationEvent.objects.create(
        nomination=nomination, to_status=S.DRAFT, by=by, note="Tạo đề nghị"
    )
    return nomination


@transaction.atomic
def nomination_document_add(
    *, nomination: Nomination, kind: str, upload: UploadedFile, by: User
) -> NominationDocument:
    if nomination.status != S.DRAFT:
        raise ValidationError("Chỉ bổ sung hồ sơ khi đề nghị còn ở trạng thái dự thảo.")
    if kind not in DocumentKind.values:
        raise ValidationError("Loại tài liệu không hợp lệ.")
    checked = check_upload(upload, allowed=DOSSIER_EXTENSIONS)
    doc = NominationDocument(
        nomination=nomination,
        kind=kind,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    doc.file.save(f"dossier.{checked.extension}", upload, save=False)
    doc.save()
    return doc


def _store_eligibility(nomination: Nomination, *, by: User) -> bool | None:
    results = sel.eligibility_for(nomination)
    nomination.eligibility = [r.as_dict() for r in results]
    nomination.eligible = verdict(results)
    audited_update(
        Nomination.objects.filter(pk=nomination.pk),
        actor=by,
        reason="Xét điều kiện",
        eligibility=nomination.eligibility,
        eligible=nomination.eligible,
    )
    return nomination.eligible


@transaction.atomic
def nomination_submit(*, nomination: Nomination, by: User) -> Nomination:
    missing = sel.missing_documents(nomination)
    if missing:
        raise ValidationError("Hồ sơ còn thiếu: " + "; ".join(missing) + ".")
    nomination_move(nomination=nomination, old=[S.DRAFT], new=S.SUBMITTED, by=by)
    _store_eligibility(nomination, by=by)
    return nomination


@transaction.atomic
def nomination_return(*, nomination: Nomination, by: User, note: str) -> Nomination:
    if not note.strip():
        raise ValidationError("Ghi rõ lý do trả lại hồ sơ để đơn vị bổ sung.")
    nomination_move(nomination=nomination, old=[S.SUBMITTED], new=S.DRAFT, by=by, note=note.strip())
    return nomination


@transaction.atomic
def nomination_check(*, nomination: Nomination, by: User, override_reason: str = "") -> Nomination:
    """The secretariat's check: eligible → checked; otherwise only with a recorded reason."""
    if nomination.status != S.SUBMITTED:
        raise ValidationError(
            f"Chỉ thẩm định đề nghị đã gửi (hiện: “{nomination.get_status_display()}”)."
        )
    ok = _store_eligibility(nomination, by=by)
    override_reason = (override_reason or "").strip()
    if ok is not True and not override_reason:
        what = "chưa đủ điều kiện" if ok is False else "chưa đủ dữ liệu để kết luận đủ điều kiện"
        raise ValidationError(
            f"Đối tượng {what}. Chỉ trình Hội đồng khi Cơ quan thường trực ghi rõ lý do."
        )
    extra = {}
    if ok is not True:
        extra = {"override_reason": override_reason, "override_by": by}
    nomination_move(
        nomination=nomination,
        old=[S.SUBMITTED],
        new=S.CHECKED,
        by=by,
        note=("Trình dù chưa đủ điều kiện: " + override_reason) if extra else "Đủ điều kiện",
        **extra,
    )
    return nomination


@transaction.atomic
def consultation_open(*, nomination: Nomination, by: User) -> Nomination:
    if nomination.status != S.CHECKED:
        raise ValidationError("Chỉ lấy ý kiến công khai với đề nghị đã thẩm định.")
    rule = vote_rule_for(nomination.tier, nomination.reference_date)
    if rule is None or not rule.consultation_days:
        raise ValidationError(
            f"Quy định hiện hành không yêu cầu lấy ý kiến công khai với “{nomination.tier}”."
        )
    if nomination.consultation_until:
        raise ValidationError("Đề nghị này đã được đưa ra lấy ý kiến.")
    until = today() + datetime.timedelta(days=rule.consultation_days)
    audited_update(
        Nomination.objects.filter(pk=nomination.pk),
        actor=by,
        reason="Công khai lấy ý kiến",
        consultation_until=until,
    )
    nomination.consultation_until = until
    NominationEvent.objects.create(
        nomination=nomination,
        from_status=nomination.status,
        to_status=nomination.status,
        by=by,
        note=f"Công khai lấy ý kiến đến ngày {until:%d/%m/%Y}",
    )
    return nomination


def consultation_comment_add(
    *, nomination: Nomination, author_name: str, content: str, contact: str = ""
) -> ConsultationComment:
    if not nomination.consultation_open:
        raise ValidationError("Thời gian lấy ý kiến đối với trường hợp này đã kết thúc.")
    if not author_name.strip() or not content.strip():
        raise ValidationError("Vui lòng ghi họ tên và nội dung góp ý.")
    with transaction.atomic():
        comment = ConsultationComment.objects.create(
            nomination=nomination,
            author_name=author_name.strip()[:150],
            contact=contact.strip()[:200],
            content=content.strip()[:5000],
        )
        integrity.record_comment(comment)
    return comment


@transaction.atomic
def nomination_reject(*, nomination: Nomination, by: User, note: str) -> Nomination:
    """The chairman declines a passed case (or one in a draft decision)."""
    if not note.strip():
        raise ValidationError("Ghi rõ lý do không khen thưởng.")
    nomination_move(
        nomination=nomination,
        old=[S.PASSED, S.DECIDED],
        new=S.REJECTED,
        by=by,
        note=note.strip(),
        decision=None,
    )
    return nomination


@transaction.atomic
def exemplar_save(
    *,
    exemplar: Exemplar | None,
    by: User,
    campaign: Campaign | None,
    kind: str,
    title: str,
    year: int,
    unit: Unit | None,
    person: Person | None,
    summary: str,
    recognised_by: str,
    is_published: bool,
    is_sample: bool,
) -> Exemplar:
    """Create (`exemplar` None) or update an exemplar; published now when first published."""
    if (unit is None) == (person is None):
        raise ValidationError("Chọn một tập thể hoặc một cá nhân.")
    exemplar = exemplar or Exemplar()
    exemplar.campaign = campaign
    exemplar.kind = kind
    exemplar.title = title
    exemplar.year = year
    exemplar.unit = unit
    exemplar.person = person
    exemplar.summary = summary
    exemplar.recognised_by = recognised_by
    exemplar.is_published = is_published
    exemplar.is_sample = is_sample
    if exemplar.is_published and exemplar.published_at is None:
        exemplar.published_at = timezone.now()
    if not exemplar.is_published:
        exemplar.published_at = None
    exemplar.save()
    return exemplar
