"""Reads every part of the awards app shares: today's date, the tiers and their rules in force."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from . import eligibility as el
from .models import (
    AwardTier,
    EligibilityRule,
    TierKind,
    VoteRule,
)


def today() -> datetime.date:
    return timezone.localdate()


def tiers_active() -> QuerySet[AwardTier]:
    return AwardTier.objects.filter(is_active=True).order_by("order", "name")


def tier_forms() -> QuerySet[AwardTier]:
    return tiers_active().filter(kind=TierKind.FORM)


def vote_rule_for(tier: AwardTier, day: datetime.date) -> VoteRule | None:
    """The tier's vote rule in force on `day` (effective-dated)."""
    return (
        VoteRule.objects.filter(tier=tier, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )


def rules_for(tier: AwardTier) -> list[el.Rule]:
    return [
        el.Rule(
            pk=r.pk,
            kind=r.kind,
            params=r.params or {},
            nominee_kinds=r.nominee_kinds or [],
            valid_from=r.valid_from,
            valid_to=r.valid_to,
            legal_basis=r.legal_basis,
        )
        for r in EligibilityRule.objects.filter(tier=tier).order_by("order", "valid_from")
    ]


def tier_names() -> dict[str, str]:
    return dict(AwardTier.objects.values_list("code", "name"))
