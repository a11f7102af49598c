"""Writes of award decisions (draft, sign) and forwarding letters (send, the upper level's
answer); signing and answering put the awards into history. Every function is keyword-only,
atomic, and refuses bad input with a Vietnamese ValidationError, changing nothing; the person
acting is `by`."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.audit import audited_update

from ..models import (
    Award,
    AwardCategory,
    AwardDecision,
    AwardSource,
    DecisionStatus,
    Exemplar,
    ExemplarKind,
    ForwardingLetter,
    LetterStatus,
    Nomination,
    NominationStatus,
    TierKind,
)
from ..nominations.services import nomination_move
from ..tiers import authority_may_decide, campaign_authority

if TYPE_CHECKING:
    from campaigns.models import Campaign
    from portal.models import User
    from units.models import Authority

    from ..models import CouncilSession

S = NominationStatus


@transaction.atomic
def decision_create(
    *,
    by: User,
    campaign: Campaign,
    title: str,
    legal_bases: str,
    nominations: Iterable[Nomination],
    authority: Authority | None = None,
    decision_date: datetime.date | None = None,
    session: CouncilSession | None = None,
    is_sample: bool = False,
) -> AwardDecision:
    """A draft decision: no number (the register gives it when the chairman signs), the date it
    is expected to be signed (today by default), and the authority whose chairman decides —
    by default the campaign's in force that day; one not in force that day is refused with the
    name of the one that is."""
    from units.authorities import check_in_force, outside_area

    decision_date = decision_date or timezone.localdate()
    if authority is None:
        authority = campaign.authority_on(decision_date)
    else:
        check_in_force(authority, decision_date, start=campaign.authority)
    nominations = list(nominations)
    if not nominations:
        raise ValidationError("Chọn ít nhất một trường hợp đã được Hội đồng thông qua.")
    for nom in nominations:
        why = outside_area(authority, nom.unit)
        if why:
            raise ValidationError(
                f"{nom.recipient_name}: {why}; Chủ tịch UBND nơi đó quyết định khen thưởng."
            )
        if nom.status != S.PASSED:
            raise ValidationError(
                f"{nom.recipient_name}: chưa được Hội đồng biểu quyết thông qua, "
                "không thể đưa vào quyết định."
            )
        if not authority_may_decide(nom.tier, authority, decision_date):
            who = authority.body if authority is not None else "thị xã"
            raise ValidationError(
                f"{nom.recipient_name}: “{nom.tier}” không thuộc thẩm quyền quyết định của "
                f"{who} ngày {decision_date:%d/%m/%Y} (thuộc thẩm quyền cấp trên), cần lập "
                "tờ trình."
            )
    decision = AwardDecision.objects.create(
        campaign=campaign,
        authority=authority,
        decision_date=decision_date,
        title=title,
        legal_bases=legal_bases,
        session=session,
        created_by=by,
        is_sample=is_sample,
    )
    for nom in nominations:
        nomination_move(
            nomination=nom,
            old=[S.PASSED],
            new=S.DECIDED,
            by=by,
            note=f"Đưa vào dự thảo quyết định: {title}",
            decision=decision,
        )
    return decision


def _award_from_nomination(
    nom: Nomination,
    *,
    number: str,
    day: datetime.date,
    source: str,
    by: User,
    decision: AwardDecision | None = None,
) -> Award:
    category = AwardCategory.MERIT if nom.tier.kind == TierKind.TITLE else AwardCategory.THEMATIC
    award, _ = Award.objects.get_or_create(
        nomination=nom,
        defaults={
            "unit": nom.unit,
            "person": nom.person,
            "tier": nom.tier,
            "category": category,
            "year": nom.period_year,
            "decision_number": number,
            "decision_date": day,
            "campaign": nom.campaign,
            "decision": decision,
            "source": source,
            "is_sample": nom.is_sample,
        },
    )
    # One initiative supports one award only.
    audited_update(
        Exemplar.objects.filter(
            nominations=nom, kind=ExemplarKind.INITIATIVE, used_by_award__isnull=True
        ),
        actor=by,
        reason="Sáng kiến dùng cho khen thưởng",
        used_by_award=award,
    )
    return award


@transaction.atomic
def decision_sign(
    *,
    decision: AwardDecision,
    by: User,
    number: str,
    day: datetime.date,
    authority_id: int | None = None,
) -> AwardDecision:
    """Part of the chairman's one act of signing the decision's PDF (reports.services
    .report_sign, same transaction): the decision takes the register's number, the signing date
    and the authority signed under, and its awards enter history. Idempotent on the awards."""
    decision = AwardDecision.objects.select_for_update().get(pk=decision.pk)
    nominations = list(decision.nominations.select_related("tier", "unit", "person", "campaign"))
    if decision.status == DecisionStatus.DRAFT:
        if not nominations:
            raise ValidationError("Quyết định chưa có trường hợp nào được khen thưởng.")
        bad = [n for n in nominations if n.status != S.DECIDED]
        if bad:
            raise ValidationError(
                f"{bad[0].recipient_name}: không ở trạng thái chờ quyết định, không thể ký."
            )
        # The decision is dated the signing day: the authority must hold the power that day.
        from units.models import Authority

        signed_under = authority_id or decision.authority_id
        authority = (
            Authority.objects.filter(pk=signed_under).first() if signed_under is not None else None
        )
        for nom in nominations:
            if authority is not None and not authority_may_decide(nom.tier, authority, day):
                raise ValidationError(
                    f"{nom.recipient_name}: ngày {day:%d/%m/%Y} “{nom.tier}” không còn thuộc "
                    f"thẩm quyền quyết định của {authority.body}; đề nghị lập lại dự thảo theo "
                    "cơ quan có thẩm quyền hoặc lập tờ trình cấp trên."
                )
        decision.status, decision.signed_by, decision.signed_at = (
            DecisionStatus.SIGNED,
            by,
            timezone.now(),
        )
        decision.number, decision.decision_date = number, day
        if authority_id:
            decision.authority_id = authority_id
        decision.save(
            update_fields=[
                "status",
                "signed_by",
                "signed_at",
                "number",
                "decision_date",
                "authority",
            ]
        )
    for nom in nominations:
        _award_from_nomination(
            nom,
            number=decision.number,
            day=decision.decision_date,
            source=AwardSource.DECISION,
            by=by,
            decision=decision,
        )
        if nom.status == S.DECIDED:
            nomination_move(
                nomination=nom,
                old=[S.DECIDED],
                new=S.AWARDED,
                by=by,
                note=f"Quyết định số {decision.number} ngày {decision.decision_date:%d/%m/%Y}",
            )
    return decision


@transaction.atomic
def decision_remove_nomination(
    *, decision: AwardDecision, nomination: Nomination, by: User
) -> None:
    if decision.status != DecisionStatus.DRAFT:
        raise ValidationError("Quyết định đã ký, không thể sửa.")
    nomination_move(
        nomination=nomination,
        old=[S.DECIDED],
        new=S.PASSED,
        by=by,
        note="Rút khỏi dự thảo quyết định",
        decision=None,
    )


@transaction.atomic
def letter_create(
    *,
    by: User,
    campaign: Campaign,
    number: str,
    sent_date: datetime.date,
    recipient: str,
    nominations: Iterable[Nomination],
    is_sample: bool = False,
) -> ForwardingLetter:
    nominations = list(nominations)
    if not nominations:
        raise ValidationError("Chọn ít nhất một trường hợp đã được Hội đồng thông qua.")
    # The letter sends up what the campaign's authority in force that day may not decide.
    authority = campaign_authority(campaign, sent_date)
    for nom in nominations:
        if nom.status != S.PASSED:
            raise ValidationError(f"{nom.recipient_name}: chưa được Hội đồng biểu quyết thông qua.")
        if authority_may_decide(nom.tier, authority, sent_date):
            who = authority.body if authority is not None else "thị xã"
            raise ValidationError(
                f"{nom.recipient_name}: “{nom.tier}” do {who} quyết định "
                f"(ngày {sent_date:%d/%m/%Y}), không trình cấp trên."
            )
    if ForwardingLetter.objects.filter(number=number).exists():
        raise ValidationError(f"Số tờ trình {number} đã được dùng.")
    letter = ForwardingLetter.objects.create(
        campaign=campaign,
        number=number,
        sent_date=sent_date,
        recipient=recipient,
        created_by=by,
        is_sample=is_sample,
    )
    for nom in nominations:
        nomination_move(
            nomination=nom,
            old=[S.PASSED],
            new=S.FORWARDED,
            by=by,
            note=f"Tờ trình số {number}",
            forwarding=letter,
        )
    return letter


@transaction.atomic
def letter_answer(
    *,
    letter: ForwardingLetter,
    nomination: Nomination,
    accepted: bool,
    by: User,
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    note: str = "",
) -> None:
    """Record the upper level's answer for one forwarded case."""
    if nomination.forwarding_id != letter.pk:
        raise ValidationError("Trường hợp này không thuộc tờ trình.")
    if accepted:
        if not decision_number or not decision_date:
            raise ValidationError("Ghi số và ngày quyết định khen thưởng của cấp trên.")
        answer = f"Quyết định số {decision_number} ngày {decision_date:%d/%m/%Y}"
        nomination_move(
            nomination=nomination,
            old=[S.FORWARDED],
            new=S.AWARDED,
            by=by,
            note=answer,
            upper_answer=answer,
        )
        _award_from_nomination(
            nomination,
            number=decision_number,
            day=decision_date,
            source=AwardSource.UPPER,
            by=by,
        )
    else:
        if not note.strip():
            raise ValidationError("Ghi nội dung trả lời của cấp trên.")
        nomination_move(
            nomination=nomination,
            old=[S.FORWARDED],
            new=S.REJECTED,
            by=by,
            note=note.strip(),
            upper_answer=note.strip()[:300],
        )
    if not letter.nominations.filter(status=S.FORWARDED).exists():
        audited_update(
            ForwardingLetter.objects.filter(pk=letter.pk),
            actor=by,
            reason="Cấp trên đã trả lời",
            status=LetterStatus.ANSWERED,
        )
