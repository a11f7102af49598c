"""The award history's filter (django-filter), with the search by name without diacritics."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet

from portal.filters import YearFilter

from ..models import Award, AwardTier
from . import selectors as sel


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
