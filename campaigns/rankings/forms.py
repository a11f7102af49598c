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
