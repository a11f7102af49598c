"""List filters of the awards pages (django-filter): a value that does not validate is shown as
its field's error and ignored."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from portal.filters import YearFilter
from units.models import Cluster

from . import selectors as sel
from .models import Award, AwardTier, Nomination, NominationStatus


class NominationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Trạng thái", choices=NominationStatus.choices, empty_label="Tất cả"
    )
    tier = django_filters.ModelChoiceFilter(
        label="Hình thức", queryset=lambda request: sel.tiers_active(), empty_label="Tất cả"
    )
    year = YearFilter(label="Năm", field_name="period_year")
    cluster = django_filters.ModelChoiceFilter(
        label="Khối, cụm",
        queryset=Cluster.objects.order_by("name"),
        empty_label="Tất cả",
        method="filter_cluster",
    )

    class Meta:
        model = Nomination
        fields = ["status", "tier", "year", "cluster"]

    def filter_cluster(self, queryset: QuerySet, name: str, value: Cluster) -> QuerySet:
        return queryset.filter(
            Q(unit__cluster=value)
            | Q(person__affiliation__cluster=value)
            | Q(proposer_unit__cluster=value)
        )


class AwardFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Tên cá nhân, tập thể, đơn vị",
        method="filter_q",
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": "Có dấu hoặc không dấu, ví dụ: pho an"}),
    )
    tier = django_filters.ModelChoiceFilter(
        label="Hình thức, danh hiệu",
        queryset=AwardTier.objects.order_by("kind", "order"),
        empty_label="Tất cả",
    )
    year = YearFilter(label="Năm", field_name="year")

    class Meta:
        model = Award
        fields = ["q", "tier", "year"]

    def filter_q(self, queryset: QuerySet[Award], name: str, value: str) -> QuerySet[Award]:
        value = value.strip()
        return sel.awards_matching(queryset, value) if value else queryset
