"""Writes to units, people and clusters."""

from __future__ import annotations

from django.db import transaction
from django.forms import ModelForm

from .models import Authority, Cluster, Person, Unit


@transaction.atomic
def unit_save(*, form: ModelForm) -> Unit:
    """Save a validated UnitForm (with its successor links) in one transaction."""
    return form.save()


@transaction.atomic
def person_save(*, form: ModelForm) -> Person:
    return form.save()


@transaction.atomic
def cluster_save(*, form: ModelForm) -> Cluster:
    return form.save()


@transaction.atomic
def authority_save(*, form: ModelForm) -> Authority:
    return form.save()
