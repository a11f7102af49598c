"""Writing one row from a form's cleaned values, for the services that save a whole record
(a unit, a person, a campaign, …): the view passes `web.model_values(form)`, never the form.

`assign(row, values)` sets the row's fields as a ModelForm's save would (`save_form_data`, so a
file field's `False` clears it and `None` keeps it; files after the other fields, so an
`upload_to` may read them); `save_row(row, values, by=…)` also saves it, records `by` as the
actor of its history row (the audit event, portal.audit) and then sets its many-to-many links.
A name that is not a field of the row is a programming error (TypeError), not a form error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import models

from .models import User

M = TypeVar("M", bound=models.Model)


def _field(row: models.Model, name: str) -> models.Field[Any, Any]:
    try:
        field = row._meta.get_field(name)
    except Exception as exc:  # FieldDoesNotExist
        raise TypeError(f"{type(row).__name__} has no field {name!r}") from exc
    if not isinstance(field, models.Field) or not field.editable:
        raise TypeError(f"{type(row).__name__}.{name} cannot be set from a form")
    return field


def assign(row: M, values: Mapping[str, Any]) -> dict[str, Any]:
    """Set the row's own fields from `values`; returns the many-to-many values, to set once
    the row is saved."""
    links: dict[str, Any] = {}
    files: list[tuple[models.Field[Any, Any], Any]] = []
    for name, value in values.items():
        field = _field(row, name)
        if field.many_to_many:
            links[name] = value
        elif isinstance(field, models.FileField):
            files.append((field, value))
        else:
            field.save_form_data(row, value)
    for field, value in files:
        field.save_form_data(row, value)
    return links


def acting(row: models.Model, by: User | None) -> None:
    """Name `by` as the actor of the row's next history record (and so of its audit event),
    for a save made outside a request or on someone's behalf; None keeps the request's user."""
    if by is not None:
        row._history_user = by  # type: ignore[attr-defined]  # simple_history reads it on save


def save_row(row: M, values: Mapping[str, Any], *, by: User | None) -> M:
    """Assign `values`, save, then set the links; `by` is the history's (and audit's) actor."""
    links = assign(row, values)
    acting(row, by)
    row.save()
    for name, value in links.items():
        _field(row, name).save_form_data(row, value)
    return row
