"""List filters for units and people (django-filter)."""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet

from portal.filters import NamedModelChoiceFilter

from .models import Cluster, Person, PersonKind, Unit, UnitKind


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Tìm theo tên hoặc mã", method="filter_q")
    kind = django_filters.ChoiceFilter(label="Loại", choices=UnitKind.choices, empty_label="Tất cả")
    cluster = NamedModelChoiceFilter(
        label="Khối, cụm", queryset=Cluster.objects.order_by("name"), empty_label="Tất cả"
    )
    parent = django_filters.CharFilter(
        label="Trực thuộc (tên hoặc mã)", method="filter_parent", max_length=200
    )
    active = django_filters.ChoiceFilter(
        label="Hiệu lực",
        choices=[("1", "Đang hoạt động"), ("0", "Đã giải thể, sáp nhập")],
        method="filter_active",
        empty_label="Tất cả",
    )

    class Meta:
        model = Unit
        fields = ["q", "kind", "cluster", "parent", "active"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The clusters of the units this person sees (an officer: their commune's).
        # EXISTS per cluster (an index probe each), not a scan of every unit.
        self.filters["cluster"].queryset = Cluster.objects.filter(
            Exists(self.queryset.order_by().filter(cluster_id=OuterRef("pk")))
        ).order_by("name")

    def filter_q(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))

    def filter_parent(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        """The units under a commune or ward named (or coded) so: a box to type in, not a list
        of every commune (3,300 in the country)."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(parent__name__icontains=value) | Q(parent__code__iexact=value))

    def filter_active(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        today = datetime.date.today()  # noqa: DTZ011 (a calendar date)
        active = Q(valid_to__isnull=True) | Q(valid_to__gte=today)
        return queryset.filter(active) if value == "1" else queryset.exclude(active)


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Tìm theo họ tên hoặc mã", method="filter_q")
    kind = django_filters.ChoiceFilter(
        label="Đối tượng", choices=PersonKind.choices, empty_label="Tất cả"
    )

    class Meta:
        model = Person
        fields = ["q", "kind"]

    def filter_q(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(full_name__icontains=value) | Q(code__icontains=value))
