"""Hypothesis over every Form/ModelForm of the project (found by introspection): bound with
random data it never raises, and POSTed through its page (found by crawling the access rows'
GET pages for a `form` in the context) it never answers 5xx.

A new form in any app is picked up automatically; when its page is in the access table it is
also fuzzed through its view."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.access_matrix import STATS
from tests.introspection import project_form_classes
from tests.portal.test_access_matrix import ROWS
from units.models import Unit

# One world and its users per module, each test in a savepoint (tests/conftest.py).
SHARED_WORLD = True

EXAMPLES = 20


FORMS = [f for f in project_form_classes() if not f.__name__.startswith("_")]


def test_forms_were_found():
    names = {f.__name__ for f in FORMS}
    assert {"UnitForm", "PersonForm", "UserForm"} <= names


JUNK = st.one_of(
    st.text(max_size=200),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
    st.sampled_from(
        [
            "",
            "0",
            str(2**63),
            str(2**64 + 1),
            "-1",
            "1e309",
            "NaN",
            "31/02/2024",
            "2024-13-45",
            "9" * 40,
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "../../etc/passwd",
            "\u202e",
            "Đức Phổ",
        ]
    ),
)


def _valueish(field: forms.Field) -> st.SearchStrategy:
    choices = []
    if hasattr(field, "choices"):
        try:
            choices = [str(k) for k, _ in field.choices if k not in ("", None)][:50]
        except Exception:
            choices = []
    one = st.one_of(JUNK, st.sampled_from(choices)) if choices else JUNK
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return st.lists(one, max_size=4)
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "", "false", "1"])
    return one


def _data_strategy(form: forms.BaseForm) -> st.SearchStrategy:
    return st.fixed_dictionaries(
        {},
        optional={name: _valueish(field) for name, field in form.fields.items()},
    )


def _instantiate(form_class, data=None):
    if issubclass(form_class, AuthenticationForm):
        return None  # authenticates against a request: fuzzed through the sign-in page only
    try:
        return form_class(data=data) if data is not None else form_class()
    except TypeError:
        return None  # needs arguments only its view provides (request, instance, …)


_PAGES: dict[type, tuple] = {}
_CRAWLED: list[bool] = []


def _page_of(form_class, world, users, client_as):
    """(row, persona) whose GET page renders this form class, or None. The access rows' GET
    pages are crawled once per test process (every form found is remembered), not once per
    form class that no page renders: that re-crawl was minutes of the suite."""
    if not _CRAWLED:
        for row in ROWS:
            if row.method != "get":
                continue
            for persona in ("secretariat", "officer_a", "anonymous"):
                if row.expected(persona) != 200:
                    continue
                response = client_as(persona).get(row.url(world, users))
                ok = response.status_code == 200
                form = (response.context or {}).get("form") if ok else None
                if form is not None:
                    _PAGES.setdefault(type(form), (row, persona))
                break
        _CRAWLED.append(True)
    return _PAGES.get(form_class)


@pytest.mark.parametrize("form_class", FORMS, ids=lambda f: f.__name__)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_form_never_raises_on_random_input(form_class, data, db):
    blank = _instantiate(form_class)
    if blank is None:
        pytest.skip(f"{form_class.__name__} needs arguments from its view")
    payload = data.draw(_data_strategy(blank))
    form = _instantiate(form_class, payload)
    form.is_valid()  # any exception fails the test
    assert form.is_bound


@pytest.mark.parametrize("form_class", FORMS, ids=lambda f: f.__name__)
def test_form_view_never_answers_5xx(form_class, world, users, client_as):
    page = _page_of(form_class, world, users, client_as)
    if page is None:
        pytest.skip(f"no page in the access table renders {form_class.__name__}")
    row, persona = page
    url = row.url(world, users)
    client = client_as(persona)
    client.raise_request_exception = False
    blank = client.get(url).context["form"]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(payload=_data_strategy(blank))
    def post(payload):
        response = client.post(url, payload)
        STATS["fuzz"] += 1
        assert response.status_code < 500, f"{url} {payload!r} → {response.status_code}"

    post()


def test_every_multi_select_of_rows_refuses_ids_beyond_64_bits(db):
    """Hypothesis found it: an id of 2**63 in a multi-select reached SQLite's driver
    (OverflowError → 500). Every multi-select of rows uses portal.forms.IdsChoiceField, which
    answers with a form error instead; this check does not depend on what Hypothesis draws."""
    from portal.forms import IdsChoiceField

    plain = [
        f"{form_class.__module__}.{form_class.__name__}.{name}"
        for form_class in FORMS
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.ModelMultipleChoiceField)
        and not isinstance(field, IdsChoiceField)
    ]
    assert plain == [], "use portal.forms.IdsChoiceField for these fields"
    field = IdsChoiceField(queryset=Unit.objects.all())
    with pytest.raises(forms.ValidationError) as refused:
        field.clean([str(2**63)])
    assert refused.value.code == "invalid_pk_value"
    assert str(2**63) in refused.value.messages[0]
