"""Helpers of the shared page partials (docs/ui.md)."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.template import Context

register = template.Library()


@register.filter
def filter_form(value: Any) -> forms.BaseForm:
    """The form a list page filters with: a django-filter FilterSet's `.form`, or a plain Form.

    `_partials/filter_form.html` renders its fields through this filter, so a view may hand the
    partial either kind; anything else (a missing context variable, a queryset) fails loudly
    instead of drawing a filter with buttons and no fields."""
    form = value if isinstance(value, forms.BaseForm) else getattr(value, "form", None)
    if not isinstance(form, forms.BaseForm):
        raise TypeError(f"_partials/filter_form.html cần một form lọc, nhận {type(value).__name__}")
    return form


@register.simple_tag(takes_context=True)
def campaign_page(context: Context, url_name: str) -> str:
    """`{% campaign_page 'awards:nomination-list' %}`: a campaign's page, of the campaign the page
    is about (`request.campaign`, else a `campaign` in the context), else of the current
    campaign (portal.navigation.entry_url); a page of its own when the pattern takes no code."""
    from portal.navigation import entry_url

    request = context.get("request")
    campaign = getattr(request, "campaign", None) or context.get("campaign")
    return entry_url(url_name, getattr(campaign, "code", None))
