"""What the awards forms share: the submit button, a form opened on a campaign's page."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from campaigns.models import Campaign


def submit_helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


def of_campaign(field: forms.ModelChoiceField, campaign) -> None:
    """A form opened on a campaign's page (campaigns.context) offers that campaign only."""
    if campaign is not None:
        field.queryset = Campaign.objects.filter(pk=campaign.pk)
        field.initial = campaign.pk
