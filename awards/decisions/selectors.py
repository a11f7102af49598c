"""Reads of award decisions and forwarding letters, and which passed cases the authority in force
may decide."""

from __future__ import annotations

import datetime

from django.db.models import Count, QuerySet

from ..models import (
    AwardDecision,
    AwardTier,
    ForwardingLetter,
    Nomination,
    NominationStatus,
)


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


def passed_by_power(campaign, day: datetime.date) -> tuple[QuerySet, QuerySet, object]:
    """The campaign's nominations passed by the council, split by who may confer their tier on
    `day`: (decided by the authority in force, sent up), and that authority (or None)."""
    from ..tiers import authority_may_decide, campaign_authority

    authority = campaign_authority(campaign, day)
    passed = Nomination.objects.filter(campaign=campaign, status=NominationStatus.PASSED)
    tiers = AwardTier.objects.filter(pk__in=passed.values("tier_id"))
    local = [t.pk for t in tiers if authority_may_decide(t, authority, day)]
    return passed.filter(tier_id__in=local), passed.exclude(tier_id__in=local), authority
