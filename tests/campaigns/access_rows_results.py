"""Access rows for campaign setup, criteria sets, NTM status, contributions and completeness."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from campaigns.models import (
    Contribution,
    CriteriaSet,
    CriteriaSetStatus,
    Criterion,
    NtmStatus,
)
from tests.access_matrix import Row, everyone

READERS = ("secretariat", "economic_office", "chairman", "observer")


def _set(w, status=CriteriaSetStatus.EDITABLE):
    s, _ = CriteriaSet.objects.get_or_create(
        campaign=w.campaign,
        target_group="b",
        version=1,
        defaults={"name": "Tiêu chí thi đua đối với các xã", "status": status},
    )
    Criterion.objects.get_or_create(
        criteria_set=s,
        number=1,
        defaults={"text": "Đạt chuẩn", "value_type": "yes_no", "max_points": 10},
    )
    return s


def _status_a(w):
    s, _ = NtmStatus.objects.get_or_create(unit=w.commune_a, year=2023, defaults={"level": "none"})
    return s


def _contribution_a(w):
    c, _ = Contribution.objects.get_or_create(
        commune=w.commune_a,
        year=2023,
        contributor="Nhân dân xã A",
        defaults={"contributor_kind": "people", "money_vnd": Decimal(1000)},
    )
    return c


def _ntm_post(w, u):
    return {"level": "none", "criteria_met": ["1", "2"], "recognition_decision": "", "note": ""}


def _contribution_post(w, u):
    return {
        "commune": w.commune_a.pk,
        "year": 2023,
        "contributor": "Đã bị sửa",
        "contributor_kind": "people",
        "money_vnd": "5",
        "work_days": "0",
        "land_m2": "0",
    }


ROWS = [
    Row(
        "campaign create",
        lambda w, u: reverse("campaigns:campaign-create"),
        {"secretariat": 200},
        url_names=("campaigns:campaign-create",),
    ),
    Row(
        "campaign edit",
        lambda w, u: reverse("campaigns:campaign-edit", args=[w.campaign.code]),
        {"secretariat": 200},
        url_names=("campaigns:campaign-edit",),
    ),
    Row(
        "campaign edit POST",
        lambda w, u: reverse("campaigns:campaign-edit", args=[w.campaign.code]),
        {"secretariat": 200},  # incomplete form: re-rendered with errors, nothing saved
        method="post",
        data={"title": "Bị sửa"},
        snapshot=lambda w, u: type(w.campaign).objects.get(pk=w.campaign.pk).title,
    ),
    Row(
        "campaign targets and milestones",
        lambda w, u: reverse("campaigns:campaign-plan", args=[w.campaign.code]),
        {"secretariat": 200},
        url_names=("campaigns:campaign-plan",),
    ),
    Row(
        "criteria set list",
        lambda w, u: reverse("campaigns:criteriaset-list", args=[w.campaign.code]),
        everyone(200),
        url_names=("campaigns:criteriaset-list",),
    ),
    Row(
        "criteria set create",
        lambda w, u: reverse("campaigns:criteriaset-create", args=[w.campaign.code]),
        {"secretariat": 200},
        url_names=("campaigns:criteriaset-create",),
    ),
    Row(
        "criteria set detail",
        lambda w, u: reverse("campaigns:criteriaset-detail", args=[_set(w).pk]),
        everyone(200),
        url_names=("campaigns:criteriaset-detail",),
    ),
    Row(
        "criteria set edit",
        lambda w, u: reverse("campaigns:criteriaset-edit", args=[_set(w).pk]),
        {"secretariat": 200},
        url_names=("campaigns:criteriaset-edit",),
    ),
    Row(
        "criteria set new version POST",
        lambda w, u: reverse(
            "campaigns:criteriaset-new-version", args=[_set(w, CriteriaSetStatus.IN_USE).pk]
        ),
        {"secretariat": 302},
        method="post",
        snapshot=lambda w, u: CriteriaSet.objects.count(),
        url_names=("campaigns:criteriaset-new-version",),
    ),
    Row(
        "completeness",
        lambda w, u: reverse("campaigns:completeness", args=[w.campaign.code]),
        dict.fromkeys(READERS, 200),
        url_names=("campaigns:completeness",),
    ),
    Row(
        "completeness xlsx",
        lambda w, u: reverse("campaigns:completeness-export", args=[w.campaign.code]),
        dict.fromkeys(READERS, 200),
        url_names=("campaigns:completeness-export",),
    ),
    Row(
        "NTM list",
        lambda w, u: reverse("campaigns:ntm-list", args=[w.campaign.code]),
        everyone(200),
        url_names=("campaigns:ntm-list",),
    ),
    Row(
        "NTM edit commune A",
        lambda w, u: reverse("campaigns:ntm-edit", args=[w.commune_a.pk, 2023]),
        {**everyone(200), "officer_b": 404},  # read-only for those who may not edit
        url_names=("campaigns:ntm-edit",),
    ),
    Row(
        "NTM edit village A",
        lambda w, u: reverse("campaigns:ntm-edit", args=[w.village_a.pk, 2023]),
        {**everyone(200), "officer_b": 404},
    ),
    Row(
        "NTM edit commune A POST",
        lambda w, u: reverse("campaigns:ntm-edit", args=[w.commune_a.pk, 2023]),
        {"officer_a": 302, "economic_office": 302, "officer_b": 404},
        method="post",
        other_method=False,  # everyone in scope may read the page; only entering is refused
        data=_ntm_post,
        snapshot=lambda w, u: list(NtmStatus.objects.values_list("unit_id", "level")),
    ),
    Row(
        "NTM confirm POST",
        lambda w, u: reverse("campaigns:ntm-confirm", args=[_status_a(w).pk]),
        {"economic_office": 302, "officer_b": 404},
        method="post",
        snapshot=lambda w, u: NtmStatus.objects.get(unit=w.commune_a).confirmed_at,
        url_names=("campaigns:ntm-confirm",),
    ),
    Row(
        "NTM panel commune A",
        lambda w, u: reverse("campaigns:ntm-panel", args=[w.commune_a.pk]),
        {**everyone(200), "officer_b": 404},
        url_names=("campaigns:ntm-panel",),
    ),
    Row(
        "contribution list",
        lambda w, u: reverse("campaigns:contribution-list", args=[w.campaign.code]),
        everyone(200),
        url_names=("campaigns:contribution-list",),
    ),
    Row(
        "contribution xlsx",
        lambda w, u: reverse("campaigns:contribution-export", args=[w.campaign.code]),
        everyone(200),
        url_names=("campaigns:contribution-export",),
    ),
    Row(
        "contribution create",
        lambda w, u: reverse("campaigns:contribution-create", args=[w.campaign.code]),
        {"officer_a": 200, "officer_b": 200, "economic_office": 200, "secretariat": 200},
        url_names=("campaigns:contribution-create",),
    ),
    Row(
        "contribution A edit",
        lambda w, u: reverse("campaigns:contribution-edit", args=[_contribution_a(w).pk]),
        {"officer_a": 200, "economic_office": 200, "secretariat": 200, "officer_b": 404},
        url_names=("campaigns:contribution-edit",),
    ),
    Row(
        "contribution A edit POST",
        lambda w, u: reverse("campaigns:contribution-edit", args=[_contribution_a(w).pk]),
        {"officer_a": 302, "economic_office": 302, "secretariat": 302, "officer_b": 404},
        method="post",
        data=_contribution_post,
        snapshot=lambda w, u: list(Contribution.objects.values_list("contributor", flat=True)),
    ),
    Row(
        "NTM export (contract columns)",
        lambda w, u: reverse("campaigns:data-export", args=["ntm_status"]),
        everyone(200),
        url_names=("campaigns:data-export",),
    ),
    Row(
        "contributions export (contract columns)",
        lambda w, u: reverse("campaigns:data-export", args=["contributions"]),
        everyone(200),
    ),
]
