"""Query-string filters of the results pages (django-filter): every value is validated by a form
field; one that does not validate is ignored and named above the list
(_partials/filter_errors.html)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet

from campaigns.models import Contribution, ContributorKind, TargetGroup
from portal.filters import IdField, YearFilter

from .selectors import STAGE_LABELS


class IdFilter(django_filters.Filter):
    field_class = IdField


class ContributionFilter(django_filters.FilterSet):
    year = YearFilter(label="Năm")
    commune = IdFilter(label="Xã", field_name="commune_id")
    kind = django_filters.ChoiceFilter(
        label="Đối tượng đóng góp", field_name="contributor_kind", choices=ContributorKind.choices
    )
    q = django_filters.CharFilter(
        label="Tìm người đóng góp",
        field_name="contributor",
        lookup_expr="icontains",
        max_length=200,
    )

    class Meta:
        model = Contribution
        fields = ["year", "commune", "kind", "q"]

    def values(self) -> dict[str, str]:
        """The valid values as the page's own form shows them ("" for none or invalid)."""
        form = self.form
        form.is_valid()
        cleaned = form.cleaned_data
        return {
            name: "" if cleaned.get(name) in (None, "") else str(cleaned[name]).strip()
            for name in form.fields
        }


class CompletenessFilter(django_filters.FilterSet):
    """The completeness page's filters, over `selectors.progress(...).units` (annotated with
    `stage`, `registered`, `late`, `target_group`). The year is the page's (`campaign_view`)."""

    group = django_filters.ChoiceFilter(
        label="Đối tượng",
        field_name="target_group",
        choices=TargetGroup.choices,
        empty_label="Tất cả",
    )
    stage = django_filters.ChoiceFilter(
        label="Tình trạng",
        method="filter_stage",
        empty_label="Tất cả",
        choices=[
            ("registered", "Đã đăng ký"),
            ("unregistered", "Chưa đăng ký"),
            *STAGE_LABELS.items(),
        ],
    )
    late = django_filters.BooleanFilter(
        label="Chỉ đơn vị trễ hạn",
        method="filter_late",
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )

    def filter_stage(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "registered":
            return queryset.filter(registered=True)
        if value == "unregistered":
            return queryset.filter(registered=False)
        return queryset.filter(stage=value)

    def filter_late(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        return queryset.filter(late=True) if value else queryset
