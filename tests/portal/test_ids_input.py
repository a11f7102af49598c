"""Ids typed with characters Python calls digits but `int()` refuses ("²", "³") are refused as
input, never a 500: `str.isdigit()` accepts superscripts, `int()` takes only decimal digits, so
every check before an `int()` uses `str.isdecimal()`. Found by the form fuzzing."""

from __future__ import annotations

import pytest
from django import forms

from portal.forms import IdChoiceField, IdsChoiceField
from portal.models import User
from reports.aggregates import natural_key


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["²", "³", "-²", "١٢"])  # "١٢": Arabic-Indic 12, a real int
def test_an_id_with_odd_digits_is_refused_as_invalid(typed):
    for field in (IdsChoiceField(queryset=User.objects.all()), IdChoiceField(User.objects.all())):
        value = [typed] if isinstance(field, IdsChoiceField) else typed
        with pytest.raises(forms.ValidationError):
            field.clean(value)


def test_a_name_with_a_superscript_sorts_without_error():
    assert natural_key("²") == ["²"]
    assert sorted(["Cụm 10", "Cụm 2", "Cụm ²"], key=natural_key)[0] == "Cụm 2"


@pytest.mark.django_db
def test_bulk_approval_with_an_odd_id_answers_without_error(world, client_as):
    from django.urls import reverse

    url = reverse("campaigns:review-bulk-approve", args=[world.campaign.code])
    response = client_as("secretariat").post(url, {"ids": ["²", "³"]})
    assert response.status_code < 500
