"""Access rows for units, people and clusters."""

from django.urls import reverse

from tests.access_matrix import Row, everyone
from units.models import Authority, Unit

A_SEES = everyone(200)
ROWS = [
    Row(
        "unit list",
        lambda w, u: reverse("units:unit-list"),
        everyone(200),
        url_names=("units:unit-list",),
    ),
    Row(
        "commune A detail",
        lambda w, u: reverse("units:unit-detail", args=[w.commune_a.pk]),
        {**A_SEES, "officer_b": 404},
        url_names=("units:unit-detail",),
    ),
    Row(
        "village A detail (officer A sees its villages)",
        lambda w, u: reverse("units:unit-detail", args=[w.village_a.pk]),
        {**A_SEES, "officer_b": 404},
    ),
    Row(
        "commune A edit",
        lambda w, u: reverse("units:unit-edit", args=[w.commune_a.pk]),
        {"secretariat": 200, "officer_b": 404},
        url_names=("units:unit-edit",),
    ),
    Row(
        "commune A edit POST",
        lambda w, u: reverse("units:unit-edit", args=[w.commune_a.pk]),
        {"secretariat": 302, "officer_b": 404},
        method="post",
        data={"code": "XA-A", "name": "Tên bị sửa", "kind": "commune"},
        snapshot=lambda w, u: Unit.objects.get(pk=w.commune_a.pk).name,
    ),
    Row(
        "unit create",
        lambda w, u: reverse("units:unit-create"),
        {"secretariat": 200},
        url_names=("units:unit-create",),
    ),
    Row(
        "person list",
        lambda w, u: reverse("units:person-list"),
        everyone(200),
        url_names=("units:person-list",),
    ),
    Row(
        "person create",
        lambda w, u: reverse("units:person-create"),
        {"secretariat": 200, "officer_a": 200, "officer_b": 200},
        url_names=("units:person-create",),
    ),
    Row(
        "cluster list",
        lambda w, u: reverse("units:cluster-list"),
        everyone(200),
        url_names=("units:cluster-list",),
    ),
    Row(
        "cluster detail",
        lambda w, u: reverse("units:cluster-detail", args=[w.commune_a.cluster_id]),
        everyone(200),
        url_names=("units:cluster-detail",),
    ),
    Row(
        "cluster create",
        lambda w, u: reverse("units:cluster-create"),
        {"secretariat": 200},
        url_names=("units:cluster-create",),
    ),
    Row(
        "cluster edit",
        lambda w, u: reverse("units:cluster-edit", args=[w.commune_a.cluster_id]),
        {"secretariat": 200},
        url_names=("units:cluster-edit",),
    ),
]
ROWS += [
    Row(
        "issuing authorities",
        lambda w, u: reverse("units:authority-list"),
        {"secretariat": 200, "chairman": 200, "observer": 200},
        url_names=("units:authority-list",),
    ),
    Row(
        "issuing authority create",
        lambda w, u: reverse("units:authority-create"),
        {"secretariat": 200},
        url_names=("units:authority-create",),
    ),
    Row(
        "issuing authority edit",
        lambda w, u: reverse("units:authority-edit", args=[w.campaign.authority_id]),
        {"secretariat": 200},
        url_names=("units:authority-edit",),
    ),
    Row(
        "issuing authority edit POST",
        lambda w, u: reverse("units:authority-edit", args=[w.campaign.authority_id]),
        {"secretariat": 200},  # the form answers (it asks for the missing fields)
        method="post",
        data={"signer_name": "Người ký bị sửa"},
        snapshot=lambda w, u: Authority.objects.get(pk=w.campaign.authority_id).signer_name,
    ),
]
ROWS += [
    Row(
        "person A detail",
        lambda w, u: reverse("units:person-detail", args=[w.person_a.pk]),
        {**A_SEES, "officer_b": 404},
        url_names=("units:person-detail",),
    ),
    Row(
        "person A edit",
        lambda w, u: reverse("units:person-edit", args=[w.person_a.pk]),
        {"secretariat": 200, "officer_a": 200, "officer_b": 404},
        url_names=("units:person-edit",),
    ),
]
