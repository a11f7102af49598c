"""Query-string filters of the results pages: every value is validated by a form field; one
that does not validate is ignored and named above the list (_partials/filter_errors.html)."""

from __future__ import annotations

from django import forms

from campaigns.models import ContributorKind
from portal.filters import IdField, YearField


class ContributionFilterForm(forms.Form):
    edit_guard_exempt = "filters a list"

    year = YearField(label="Năm")
    commune = IdField(label="Xã")
    kind = forms.ChoiceField(
        label="Đối tượng đóng góp", choices=ContributorKind.choices, required=False
    )
    q = forms.CharField(label="Tìm người đóng góp", required=False, max_length=200)

    def values(self) -> dict[str, str]:
        """The valid values as the page's own form shows them ("" for none or invalid)."""
        self.is_valid()
        cleaned = self.cleaned_data
        return {
            name: "" if cleaned.get(name) in (None, "") else str(cleaned[name]).strip()
            for name in self.fields
        }
