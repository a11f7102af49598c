"""Query-string filters of the registration, self-assessment, extension lists and the review
queue (django-filter): every value is validated by a form field; one that does not validate is
ignored and named above the list (_partials/filter_errors.html)."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet

from campaigns.models import (
    Assessment,
    AssessmentStatus,
    Campaign,
    ExtensionRequest,
    ExtensionStatus,
    Registration,
    TargetGroup,
)
from portal.access import scope_for, unit_kinds_for
from portal.filters import IdField, NamedModelChoiceFilter, YearFilter
from units.models import Cluster, Unit, UnitKind

from .rules import target_group_for


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


class QueueFilter(django_filters.FilterSet):
    """The review queue's filters. The page reads `year` (the campaign's year unless asked) and
    `status` (submitted unless asked) with defaults (`queue_data`); an empty value means all.
    The groups offered are those of the unit kinds this reviewer reviews; the clusters, those of
    the units they review."""

    year = django_filters.ChoiceFilter(label="Năm", empty_label="Tất cả các năm", choices=[])
    status = django_filters.ChoiceFilter(
        label="Trạng thái", choices=AssessmentStatus.choices, empty_label="Tất cả"
    )
    group = django_filters.ChoiceFilter(
        label="Đối tượng", field_name="criteria_set__target_group", empty_label="Tất cả", choices=[]
    )
    cluster = NamedModelChoiceFilter(
        label="Khối, cụm",
        field_name="unit__cluster",
        queryset=Cluster.objects.none(),
        empty_label="Tất cả",
    )
    q = django_filters.CharFilter(
        label="Tìm đơn vị (tên hoặc mã)", method="filter_q", max_length=200
    )

    class Meta:
        model = Assessment
        fields = ["year", "status", "group", "cluster", "q"]

    def __init__(self, data=None, queryset=None, *, campaign: Campaign, user, **kwargs) -> None:
        super().__init__(data, queryset=queryset, **kwargs)
        self.filters["year"].extra["choices"] = [(str(y), str(y)) for y in campaign.years]
        kinds = unit_kinds_for(user, "assessment.review")
        groups = None if kinds is None else {target_group_for(k) for k in kinds}
        self.filters["group"].extra["choices"] = [
            c for c in TargetGroup.choices if groups is None or c[0] in groups
        ]
        reviewed = scope_for(user, "assessment.review", Unit.objects.all(), "pk")
        # EXISTS per cluster (an index probe each), not a scan of every unit.
        self.filters["cluster"].queryset = Cluster.objects.filter(
            Exists(reviewed.order_by().filter(cluster_id=OuterRef("pk")))
        ).order_by("name")

    def filter_q(self, queryset: QuerySet[Assessment], name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(unit__name__icontains=value) | Q(unit__code__icontains=value))


def queue_data(params, *, year: int):
    """The queue's query string with its defaults: the page's year, files waiting for review."""
    data = params.copy()
    data.setdefault("year", str(year))
    data.setdefault("status", AssessmentStatus.SUBMITTED)
    return data
