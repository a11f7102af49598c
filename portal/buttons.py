"""Form buttons with one colour (docs/ui.md).

crispy-forms' `Submit` always carries `btn btn-primary`, and its `css_class` is added to that:
`Submit(..., css_class="btn-outline-danger")` drew red text on a blue button. `Submit` here takes
the colour as `variant`, which replaces `btn-primary`."""

from __future__ import annotations

from typing import Any

from crispy_forms import layout


class Submit(layout.Submit):
    def __init__(self, name: str, value: str, *, variant: str = "primary", **kwargs: Any) -> None:
        self.field_classes = f"btn btn-{variant}"
        super().__init__(name, value, **kwargs)  # type: ignore[no-untyped-call]  # crispy-forms
