"""The site's form renderer writes a select in Python: the HTML must be Django's, exactly, for
every select the site's forms and filters use (found by introspection), and for the cases the
templates handle specially (groups, escaping, boolean attributes, several selected)."""

from __future__ import annotations

import copy

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from portal.forms_renderer import PortalFormRenderer


def _both(widget: forms.Widget, name: str, value: object) -> tuple[str, str]:
    return (
        widget.render(name, value, renderer=PortalFormRenderer()),
        widget.render(name, value, renderer=DjangoTemplates()),
    )


CASES = [
    pytest.param(forms.Select(choices=[("", "Tất cả"), ("1", "Cụm số 1")]), "1", id="plain"),
    pytest.param(
        forms.Select(
            choices=[("a", 'Tên có <b>thẻ</b> & "ngoặc"'), ("b\"'<", "giá trị lạ")],
            attrs={"class": "form-select", "required": True, "disabled": False, "data-x": '"'},
        ),
        "b\"'<",
        id="escaping-and-boolean-attributes",
    ),
    pytest.param(
        forms.Select(
            choices=[("Xã", [("1", "Xã A"), ("2", "Xã B")]), ("Thôn", [("3", "Thôn C")]), ("", "—")]
        ),
        "3",
        id="groups",
    ),
    pytest.param(
        forms.SelectMultiple(choices=[(1, "Một"), (2, "Hai"), (3, "Ba")]),
        [1, 3],
        id="several-selected",
    ),
    pytest.param(forms.NullBooleanSelect(), True, id="null-boolean"),
    pytest.param(forms.Select(choices=[]), None, id="no-options"),
]


@pytest.mark.parametrize(("widget", "value"), CASES)
def test_a_select_is_written_as_djangos_templates_write_it(widget, value):
    fast, django_html = _both(widget, "chon", value)
    assert fast == django_html


def test_a_select_with_its_own_option_template_is_left_to_the_templates():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Custom(choices=[("1", "Một")])
    fast, django_html = _both(widget, "chon", "1")
    assert fast == django_html
    assert "<option" not in fast


def _site_forms():
    """Every form and filter form of the site's apps, with the select widgets it renders."""
    import django_filters
    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        if config.name.split(".")[0] not in {"portal", "campaigns", "units", "awards", "reports"}:
            continue
        for module_name in ("forms", "filters"):
            import importlib
            import pkgutil

            package = importlib.import_module(config.name)
            names = [f"{config.name}.{module_name}"]
            for sub in pkgutil.iter_modules(getattr(package, "__path__", [])):
                names.append(f"{config.name}.{sub.name}.{module_name}")
            for name in names:
                try:
                    module = importlib.import_module(name)
                except ModuleNotFoundError:
                    continue
                for value in vars(module).values():
                    if not isinstance(value, type) or value.__module__ != module.__name__:
                        continue
                    if issubclass(value, forms.BaseForm):
                        fields = value.base_fields
                    elif issubclass(value, django_filters.FilterSet):
                        # A copy of each filter: reading `.field` builds and keeps the field on
                        # the filter, and the class's own filters must stay unbuilt (a FilterSet
                        # sets querysets and choices on its copies before their fields exist).
                        fields = {n: copy.deepcopy(f).field for n, f in value.base_filters.items()}
                    else:
                        continue
                    for field_name, field in fields.items():
                        if isinstance(field.widget, forms.Select):
                            label = f"{value.__module__}.{value.__name__}.{field_name}"
                            found.append((label, field))
    return found


@pytest.mark.django_db
def test_every_select_of_the_sites_forms_renders_as_django_would():
    selects = _site_forms()
    assert len(selects) > 20  # the introspection found the site's forms
    for label, field in selects:
        # The widget as the form declares it (class, attributes), with choices of our own: a
        # field's choices may come from the database or be set when its form is made.
        widget = copy.deepcopy(field.widget)
        widget.choices = [("", "— Tất cả —"), ("1", 'Cụm <số 1> & "Đông"'), ("2", "Cụm 2")]
        fast, django_html = _both(widget, "chon", "1")
        assert fast == django_html, label
