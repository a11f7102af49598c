"""Query-string filters of the oversight lists (django-filter): a value that does not validate is
ignored (and named by the form), never passed to the database."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet

from portal.filters import YearFilter
from units.models import Unit

from .models import (
    BudgetLine,
    BudgetStatus,
    Feedback,
    FeedbackKind,
    FeedbackStatus,
    Inspection,
    InspectionKind,
)


class FeedbackFilter(django_filters.FilterSet):
    year = YearFilter(label="Năm")
    status = django_filters.ChoiceFilter(
        label="Trạng thái", choices=FeedbackStatus.choices, empty_label="Tất cả"
    )
    kind = django_filters.ChoiceFilter(
        label="Loại", choices=FeedbackKind.choices, empty_label="Tất cả"
    )
    unit = django_filters.ModelChoiceFilter(
        label="Đơn vị", queryset=Unit.objects.none(), empty_label="Tất cả"
    )
    adjustment = django_filters.ChoiceFilter(
        label="Điều chỉnh kế hoạch",
        choices=[("1", "Dẫn đến điều chỉnh"), ("0", "Không điều chỉnh")],
        empty_label="Tất cả",
        method="filter_adjustment",
    )
    q = django_filters.CharFilter(
        label="Tìm trong tiêu đề", field_name="subject", lookup_expr="icontains"
    )

    class Meta:
        model = Feedback
        fields = ["year", "status", "kind", "unit", "adjustment", "q"]

    def __init__(self, *args, units: QuerySet[Unit] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["unit"].queryset = units if units is not None else Unit.objects.none()

    def filter_adjustment(self, queryset: QuerySet[Feedback], name: str, value: str):
        return queryset.filter(led_to_adjustment=value == "1") if value in ("0", "1") else queryset


class InspectionFilter(django_filters.FilterSet):
    """The visits' list by kind (its year is the campaign page's `?year=`)."""

    kind = django_filters.ChoiceFilter(
        label="Hình thức",
        choices=InspectionKind.choices,
        empty_label="Tất cả",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = Inspection
        fields = ["kind"]


class BudgetFilter(django_filters.FilterSet):
    """The budget lines by status (their year is the campaign page's `?year=`)."""

    status = django_filters.ChoiceFilter(
        label="Trạng thái",
        choices=BudgetStatus.choices,
        empty_label="Tất cả",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = BudgetLine
        fields = ["status"]


def chosen(filterset: django_filters.FilterSet, name: str) -> str:
    """The value of `name` the filter applied ("" when none or not valid)."""
    filterset.form.is_valid()
    return filterset.form.cleaned_data.get(name) or ""
