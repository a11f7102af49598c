"""Odd GET input never answers 5xx (issue 14, item 21).

Every GET page of the access table (as the secretariat, or else the first persona that may open
it) is requested with odd values in the query parameters it reads: the names of its
`<form method="get">` fields (found in the rendered page) plus a fixed set of names the portal's
lists read (`q`, `campaign`, `year`, …). The values: NUL bytes, impossible dates, integers
beyond 64 bits, unknown choices, long and non-Latin text; for every page, one request per odd
value with every parameter set to it (and one without `campaign`, whose unknown value is a 404
before anything else is read), then a few combinations drawn by Hypothesis (derandomized, so
every run sends the same requests).

A filter must validate its input (a django-filter FilterSet or a Form): a bad value is shown as
a form error and ignored, or answered 400. A new page in the access table is picked up
automatically.
"""

from __future__ import annotations

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.access_matrix import ALL_SIGNED_IN, STATS, Row
from tests.portal.test_access_matrix import ROWS

# One world and its users per module, each test in a savepoint (tests/conftest.py).
SHARED_WORLD = True

PERSONA = "secretariat"
EXAMPLES = 5

#: Names read by the portal's lists whether or not the page shows a field for them.
COMMON = (
    "q",
    "campaign",
    "kind",
    "model",
    "actor",
    "action",
    "tu",
    "den",
    "year",
    "nam",
    "page",
    "status",
    "unit",
    "ma",
    "tier",
    "cluster",
    "commune",
    "stage",
    "group",
    "format",
)

#: One request each, with every parameter of the page set to it.
ODD = (
    "\x00",
    "2025\x00",
    "2025-02-30",
    "30/02/2025",
    "31/04/2025",
    "0000-00-00",
    "9999-99-99",
    str(2**63),
    str(-(2**63) - 1),
    "9" * 400,
    "-1",
    "1e309",
    "NaN",
    "' OR 1=1 --",
    "Đức Phổ\u0301",
    "\u202e",
    "\U0001f600",
    "²",
    "١٢",
)

#: NUL is sent above, in every parameter of every page; drawn here it would make most requests
#: a 400 before any filter reads them.
VALUES = st.one_of(
    st.sampled_from([value for value in ODD if "\x00" not in value]),
    st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00")),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),
)


def reader(row: Row) -> str | None:
    """Who opens the page: the secretariat, else the first persona that may."""
    for persona in (PERSONA, *ALL_SIGNED_IN, "anonymous"):
        if row.expected(persona) == 200:
            return persona
    return None


GET_ROWS = [row for row in ROWS if row.method == "get" and reader(row)]


def get_form_fields(html: str) -> set[str]:
    """The names of the fields of the page's `<form method="get">`s."""
    if not html.strip():
        return set()
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return set()
    names = set()
    for form in tree.iter("form"):
        if (form.get("method") or "get").lower() != "get":
            continue
        for field in form.iter("input", "select", "textarea"):
            if field.get("name") and field.get("type") not in ("submit", "button"):
                names.add(field.get("name"))
    return names


def test_the_get_pages_were_found():
    names = {name for row in GET_ROWS for name in row.url_names}
    assert {"audit-list", "verify:verify", "home"} <= names, sorted(names)[:20]


def test_the_get_fields_of_a_page_are_read_from_its_forms():
    html = """<form method="get"><input name="tu" type="date"><select name="model"></select>
      <button type="submit" name="go">Lọc</button></form>
      <form method="post"><input name="csrfmiddlewaretoken"></form>"""
    assert get_form_fields(html) == {"tu", "model"}


@pytest.mark.parametrize("row", GET_ROWS, ids=lambda r: r.name)
def test_odd_get_parameters_never_answer_5xx(row, world, users, client_as):
    client = client_as(reader(row))
    client.raise_request_exception = False
    url = row.url(world, users)
    base, _, fixed = url.partition("?")
    page = client.get(url)
    assert page.status_code < 500, f"{url} → {page.status_code}"
    content_type = page.get("Content-Type", "")
    html = page.content.decode(errors="replace") if content_type.startswith("text/html") else ""
    names = sorted(get_form_fields(html) | set(COMMON))

    def check(params: dict[str, str]) -> None:
        response = client.get(f"{base}?{fixed}" if fixed else base, params)
        STATS["get fuzz"] += 1
        assert response.status_code < 500, f"GET {base} {params!r} → {response.status_code}"

    # An unknown campaign is a 404 before the page reads anything else: each value is also sent
    # without it, so the other parameters reach the filters that read them.
    others = [name for name in names if name != "campaign"]
    failures = []
    for value in ODD:
        for params in (names, others) if "\x00" not in value else (names,):
            try:
                check(dict.fromkeys(params, value))
            except AssertionError as exc:
                failures.append(f"{value!r}: {exc}")
    assert not failures, "\n".join(failures)

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(params=st.fixed_dictionaries({}, optional=dict.fromkeys(names, VALUES)))
    def fuzz(params):
        check(params)

    fuzz()


@pytest.mark.parametrize(
    "url", ["/nhat-ky/?actor=a%00b", "/verify/?ma=%00", "/phong-trao/ket-qua/dong-gop/?q=%00"]
)
def test_a_nul_byte_in_the_query_is_answered_400_with_a_page_that_says_why(url, client_as):
    response = client_as(PERSONA).get(url)
    assert response.status_code == 400
    assert "ký tự rỗng NUL" in response.content.decode()


def test_a_nul_byte_in_a_posted_field_is_answered_400(client_as):
    response = client_as(PERSONA).post("/dang-xuat/", {"next": "/\x00"})
    assert response.status_code == 400


def test_an_impossible_date_in_the_audit_filter_is_shown_as_an_error_and_ignored(client_as):
    response = client_as(PERSONA).get("/nhat-ky/", {"tu": "2025-02-30", "den": "2025-03-01"})
    assert response.status_code == 200
    form = response.context["filter"].form
    assert "tu" in form.errors
    assert "den" not in form.errors
