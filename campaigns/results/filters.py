"""Query-string filters of the results pages (django-filter): every value is validated by a form
field; one that does not validate is ignored and named above the list
(_partials/filter_errors.html)."""

from __future__ import annotations

import django_filters

from campaigns.models import Contribution, ContributorKind
from portal.filters import IdField, YearFilter


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
