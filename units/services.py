"""Writes to units, people, clusters and issuing authorities.

Each takes the row (None for a new one), its values (a form's `portal.web.model_values`) and
the person acting; the many-to-many links (a unit's successors) are set after the row is saved,
all in one transaction (portal.rows).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from portal.models import User
from portal.rows import save_row

from .models import Authority, Cluster, Person, Unit


@transaction.atomic
def unit_save(*, unit: Unit | None, values: Mapping[str, Any], by: User) -> Unit:
    """Create or edit a unit with its successor links."""
    return save_row(unit or Unit(), values, by=by)


@transaction.atomic
def person_save(*, person: Person | None, values: Mapping[str, Any], by: User) -> Person:
    return save_row(person or Person(), values, by=by)


@transaction.atomic
def cluster_save(*, cluster: Cluster | None, values: Mapping[str, Any], by: User) -> Cluster:
    return save_row(cluster or Cluster(), values, by=by)


@transaction.atomic
def authority_save(
    *, authority: Authority | None, values: Mapping[str, Any], by: User
) -> Authority:
    """Create or edit an issuing authority (its seal and signature images, certificates)."""
    return save_row(authority or Authority(), values, by=by)
