"""Forms of the ranking pages (shape only; the rules live in services)."""

from __future__ import annotations

from django import forms

from .ranking import BLOC, COMMUNE

#: The longest publication note kept (the page's input stops there too).
NOTE_MAX = 1000


class PublishForm(forms.Form):
    """Publish the live ranking: which ranking, an optional note, and the count of unconfirmed
    communes the publisher saw (the year comes with the page's campaign and year)."""

    edit_guard_exempt = "freezes a new publication version; the service refuses a concurrent one"

    kind = forms.CharField(required=False)
    note = forms.CharField(required=False, strip=False)
    acknowledge_unconfirmed = forms.CharField(required=False)

    def clean_kind(self) -> str:
        """The bloc ranking when asked for, else the communes' (as the page's `?kind=`)."""
        return BLOC if self.cleaned_data["kind"] == BLOC else COMMUNE

    def clean_note(self) -> str:
        """Cut at NOTE_MAX characters."""
        return self.cleaned_data["note"][:NOTE_MAX]

    def clean_acknowledge_unconfirmed(self) -> int | None:
        """The count the checkbox carried; None when not ticked (or not a number)."""
        try:
            return int(self.cleaned_data["acknowledge_unconfirmed"] or "")
        except ValueError:
            return None


class ClusterPickForm(forms.Form):
    """Which cluster the ranking and the criteria table show: one picked from the list
    (`?cluster=`, the cluster's id) or the cluster of a commune found by name (`?q=`). A value
    that does not validate is named above the table and the default cluster is shown."""

    edit_guard_exempt = "picks the cluster a page shows (GET); edits no row"

    cluster = forms.TypedChoiceField(
        label="Cụm thi đua", coerce=int, required=False, empty_value=None
    )
    q = forms.CharField(label="Tìm xã theo tên", required=False, max_length=100)

    def __init__(self, data=None, *, clusters) -> None:
        super().__init__(data)
        field = self.fields["cluster"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(c.id, c.label) for c in clusters]
