"""Reads of award decisions and forwarding letters, and which passed cases the authority in force
may decide."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from ..models import (
    AwardDecision,
    AwardTier,
    ForwardingLetter,
    Nomination,
    NominationStatus,
)

if TYPE_CHECKING:
    from campaigns.models import Campaign
    from units.models import Authority


def decisions_list() -> QuerySet[AwardDecision]:
    return (
        AwardDecision.objects.select_related("campaign", "signed_by")
        .annotate(nomination_count=Count("nominations"))
        .order_by("-decision_date", "-pk")
    )


def letters_list() -> QuerySet[ForwardingLetter]:
    return ForwardingLetter.objects.annotate(nomination_count=Count("nominations")).order_by(
        "-sent_date", "-pk"
    )


def passed_by_power(
    campaign: Campaign, day: datetime.date
) -> tuple[QuerySet[Nomination], QuerySet[Nomination], Authority | None]:
    """The campaign's nominations passed by the council, split by who may confer their tier on
    `day`: (decided by the authority in force, sent up), and that authority (or None)."""
    from ..tiers import authority_may_decide, campaign_authority

    authority = campaign_authority(campaign, day)
    passed = Nomination.objects.filter(campaign=campaign, status=NominationStatus.PASSED)
    tiers = AwardTier.objects.filter(pk__in=passed.values("tier_id"))
    local = [t.pk for t in tiers if authority_may_decide(t, authority, day)]
    return passed.filter(tier_id__in=local), passed.exclude(tier_id__in=local), authority


def decision_legal_bases(campaign: Campaign, day: datetime.date) -> str:
    """The usual bases of an award decision dated `day`, one per line, for the secretariat to
    edit: the local-government law and the emulation law and decree in force on that day, and
    the plan (docs/authorities.md, docs/awards-law.md)."""
    from units.authorities import TWO_LEVEL_GOVERNMENT

    from ..documents import LAW2022_IN_FORCE

    if day >= TWO_LEVEL_GOVERNMENT:
        government = "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16/6/2025;"
        decree = (
            "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14/6/2025 của Chính phủ quy định về phân "
            "cấp, phân quyền trong lĩnh vực thi đua, khen thưởng và quy định chi tiết một số "
            "điều của Luật Thi đua, khen thưởng;"
        )
    else:
        government = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;"
        decree = (
            "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31/12/2023 của Chính phủ quy định chi tiết "
            "thi hành một số điều của Luật Thi đua, khen thưởng;"
            if day >= LAW2022_IN_FORCE
            else "Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31/7/2017 của Chính phủ quy định chi "
            "tiết thi hành một số điều của Luật Thi đua, khen thưởng;"
        )
    emulation = (
        "Căn cứ Luật Thi đua, khen thưởng ngày 15/6/2022;"
        if day >= LAW2022_IN_FORCE
        else "Căn cứ Luật Thi đua, khen thưởng ngày 26/11/2003; Luật sửa đổi, bổ sung một số "
        "điều của Luật Thi đua, khen thưởng ngày 16/11/2013;"
    )
    plan = (
        f"Căn cứ Kế hoạch số {campaign.plan_number}"
        + (f" {campaign.plan_issued}" if campaign.plan_issued else "")
        + f" của {campaign.issuing_body} về tổ chức {campaign.title};"
        if campaign.plan_number
        else ""
    )
    return "\n".join(line for line in (government, emulation, decree, plan) if line)
