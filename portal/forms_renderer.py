"""The site's form renderer: Django's, except that a `<select>` is written in Python.

Django renders a select through a template per option (`select_option.html`, which includes
`attrs.html`): about 0.1 ms an option. A filter offering the clusters of a country (330 at
3,300 communes) or a picker of units spent 25–30 ms of a page on one select. This renderer
writes the same HTML — character for character, tests/portal/test_forms_renderer.py compares
both for every select widget the site's forms use — with Python string operations, and leaves
every other widget (and any select whose options use another template) to Django's templates.
Set as FORM_RENDERER (portal/settings.py), so crispy-forms' fields use it too.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict[str, Any]) -> str:
    """`attrs.html`: ` name="value"` each; True → the bare name; False → left out."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


def _select(widget: dict[str, Any]) -> SafeString:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            parts.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # every value above is escaped


class PortalFormRenderer(DjangoTemplates):
    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        widget = context.get("widget")
        if (
            template_name == SELECT
            and widget is not None
            and all(
                option.get("template_name") == OPTION
                for _name, options, _i in widget["optgroups"]
                for option in options
            )
        ):
            return _select(widget)
        return super().render(template_name, context, request)
