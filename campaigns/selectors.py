"""Reads of campaigns and the yearly cycle."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Campaign


def campaigns_for_list() -> QuerySet[Campaign]:
    return Campaign.objects.order_by("-start_year", "code")


def campaign_by_code(code: str) -> Campaign:
    return Campaign.objects.select_related("ntm_criterion_set").get(code=code)
