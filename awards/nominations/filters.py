"""The nomination list's filter (django-filter): a value that does not validate is shown as its
field's error and ignored."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from portal.filters import NamedModelChoiceFilter, YearFilter
from units.models import Cluster

from ..models import Nomination, NominationStatus
from ..selectors import tiers_active


class NominationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Trạng thái", choices=NominationStatus.choices, empty_label="Tất cả"
    )
    tier = django_filters.ModelChoiceFilter(
        label="Hình thức", queryset=lambda request: tiers_active(), empty_label="Tất cả"
    )
    year = YearFilter(label="Năm", field_name="period_year")
    cluster = NamedModelChoiceFilter(
        label="Khối, cụm",
        queryset=Cluster.objects.order_by("name"),
        empty_label="Tất cả",
        method="filter_cluster",
    )

    class Meta:
        model = Nomination
        fields = ["status", "tier", "year", "cluster"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the clusters the person's own nominations name: a bounded list at national
        # scale (3,300 communes are about 330 clusters), and no cluster outside their scope.
        seen = self.queryset
        self.filters["cluster"].queryset = Cluster.objects.filter(
            Q(pk__in=seen.values("unit__cluster"))
            | Q(pk__in=seen.values("person__affiliation__cluster"))
            | Q(pk__in=seen.values("proposer_unit__cluster"))
        ).order_by("name")

    def filter_cluster(self, queryset: QuerySet, name: str, value: Cluster) -> QuerySet:
        return queryset.filter(
            Q(unit__cluster=value)
            | Q(person__affiliation__cluster=value)
            | Q(proposer_unit__cluster=value)
        )
