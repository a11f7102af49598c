"""Query-string filters of the registration and self-assessment lists (django-filter): every
value is validated by a form field; one that does not validate is ignored and named above the
list (_partials/filter_errors.html)."""

from __future__ import annotations

import django_filters

from campaigns.models import (
    Assessment,
    AssessmentStatus,
    ExtensionRequest,
    ExtensionStatus,
    Registration,
)
from portal.filters import IdField, YearFilter
from units.models import UnitKind


class IdFilter(django_filters.Filter):
    field_class = IdField


class RegistrationFilter(django_filters.FilterSet):
    year = YearFilter(label="Năm")
    kind = django_filters.ChoiceFilter(
        label="Loại đơn vị", field_name="unit__kind", choices=UnitKind.choices
    )
    cluster = IdFilter(label="Khối, cụm", field_name="unit__cluster_id")
    q = django_filters.CharFilter(
        label="Tìm đơn vị", field_name="unit__name", lookup_expr="icontains", max_length=200
    )

    class Meta:
        model = Registration
        fields = ["year", "kind", "cluster", "q"]


class AssessmentFilter(django_filters.FilterSet):
    year = YearFilter(label="Năm")
    status = django_filters.ChoiceFilter(label="Trạng thái", choices=AssessmentStatus.choices)

    class Meta:
        model = Assessment
        fields = ["year", "status"]


class ExtensionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="Trạng thái", choices=ExtensionStatus.choices)

    class Meta:
        model = ExtensionRequest
        fields = ["status"]
