from __future__ import annotations

import django_filters

from campaigns.models import Campaign

from . import registry
from .models import ReportStatus


class ReportFilter(django_filters.FilterSet):
    campaign = django_filters.ModelChoiceFilter(
        label="Phong trào", queryset=Campaign.objects.order_by("-start_year"), empty_label="Tất cả"
    )
    kind = django_filters.ChoiceFilter(label="Loại", choices=registry.choices, empty_label="Tất cả")
    year = django_filters.NumberFilter(label="Năm")
    status = django_filters.ChoiceFilter(
        label="Trạng thái", choices=ReportStatus.choices, empty_label="Tất cả"
    )
