"""Writing many rows of a tracked model at once, audited as if saved one by one.

`upsert_audited(model, rows, key=…)` brings a table in line with a list of rows (reference data
such as the award catalogue, and imports): rows that are missing are inserted in bulk with their
historical records and one audit event each (`portal.audit.create_audited`); rows whose values
differ are updated in bulk, each with its historical record and its own audit event of the
changed fields (`portal.audit.update_audited`); rows that already hold the values are not
touched, so running a loader again writes nothing and logs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction

from .audit import create_audited, update_audited


def upsert_audited(
    model: type[models.Model],
    rows: Iterable[Mapping[str, Any]],
    *,
    key: tuple[str, ...],
    scope: models.QuerySet[Any] | None = None,
    update: bool = True,
    actor: Any = None,
    reason: str = "",
) -> tuple[int, int]:
    """Insert the missing rows and (with `update`) update the changed ones; returns (created,
    updated). `rows` name fields by attribute (`tier_id`, not `tier`); `key` names the fields
    that identify a row; `scope` limits the existing rows read (default: the whole table)."""
    rows = list(rows)
    existing = {
        tuple(getattr(obj, f) for f in key): obj
        for obj in (scope if scope is not None else model._default_manager.all())
    }
    new: list[models.Model] = []
    changes: list[tuple[models.Model, dict[str, tuple[Any, Any]]]] = []
    with transaction.atomic():
        for row in rows:
            obj = existing.get(tuple(row[f] for f in key))
            if obj is None:
                new.append(model(**row))
                continue
            if not update:
                continue
            diff = {
                f: (getattr(obj, f), value) for f, value in row.items() if getattr(obj, f) != value
            }
            if diff:
                for f, (_old, value) in diff.items():
                    setattr(obj, f, value)
                changes.append((obj, diff))
        updated = update_audited(model, changes, actor=actor, reason=reason)
        create_audited(model, new, actor=actor, reason=reason)
    return len(new), updated
