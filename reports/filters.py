from __future__ import annotations

import django_filters

from portal.filters import YearFilter

from . import registry
from .models import ReportStatus


class ReportFilter(django_filters.FilterSet):
    """A campaign's reports (the page's campaign, campaigns.context) by kind, year, status."""

    kind = django_filters.ChoiceFilter(label="Loại", choices=registry.choices, empty_label="Tất cả")
    year = YearFilter(label="Năm")
    status = django_filters.ChoiceFilter(
        label="Trạng thái", choices=ReportStatus.choices, empty_label="Tất cả"
    )
