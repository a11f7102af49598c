"""Query-string filters of the registration and self-assessment lists: every value is validated
by a form field; one that does not validate is ignored and named above the list
(_partials/filter_errors.html)."""

from __future__ import annotations

from django import forms

from campaigns.models import AssessmentStatus
from portal.filters import IdField, YearField
from units.models import UnitKind


class _Filter(forms.Form):
    edit_guard_exempt = "filters a list"

    def valid(self) -> dict:
        """The fields that validated, empty ones left out."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class RegistrationFilterForm(_Filter):
    year = YearField(label="Năm")
    kind = forms.ChoiceField(label="Loại đơn vị", choices=UnitKind.choices, required=False)
    cluster = IdField(label="Khối, cụm")
    q = forms.CharField(label="Tìm đơn vị", required=False, max_length=200)


class AssessmentFilterForm(_Filter):
    year = YearField(label="Năm")
    status = forms.ChoiceField(label="Trạng thái", choices=AssessmentStatus.choices, required=False)
