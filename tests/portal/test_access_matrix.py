"""Runs every row of the access table for every persona, and checks that every URL pattern of
the portal has a row."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import tests
from tests.access_matrix import LOGIN, Row, each_persona, with_seen_token
from tests.conftest import PERSONAS
from tests.introspection import url_names

# One world and its users per module, each test in a savepoint (tests/conftest.py).
SHARED_WORLD = True

# URL names that are not pages of their own: Django admin, sign-out (POST only, tested below).
EXEMPT_PREFIXES = ("admin:",)
EXEMPT = {"logout"}


def _all_rows() -> list[Row]:
    """ROWS of every `tests/<package>/access_rows*.py` module."""
    rows: list[Row] = []
    for package in pkgutil.iter_modules(tests.__path__):
        if not package.ispkg:
            continue
        pkg = importlib.import_module(f"tests.{package.name}")
        for module in pkgutil.iter_modules(pkg.__path__):
            if module.name.startswith("access_rows"):
                rows.extend(importlib.import_module(f"tests.{package.name}.{module.name}").ROWS)
    return rows


ROWS = _all_rows()


def test_every_url_has_a_row():
    covered = {name for row in ROWS for name in row.url_names}
    missing = sorted(
        name
        for name in url_names()
        if name not in covered and name not in EXEMPT and not name.startswith(EXEMPT_PREFIXES)
    )
    assert missing == [], f"URL patterns without a row in the access table: {missing}"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_access(row: Row, world, users, client_as):
    """Every persona (anonymous, officers of A and B, each role) gets the row's status."""
    each_persona(PERSONAS, lambda persona: _check_access(row, persona, world, users, client_as))


def _check_access(row: Row, persona: str, world, users, client_as) -> None:
    client = client_as(persona)
    url = row.url(world, users)
    before = row.snapshot(world, users) if row.snapshot else None
    data = row.data(world, users) if callable(row.data) else (row.data or {})
    expected = row.expected(persona)
    if row.method == "post" and expected not in (403, 404, LOGIN):
        data = with_seen_token(client, url, data)  # a refused persona could not open the page
    response = getattr(client, row.method)(url, data)
    if expected == LOGIN:
        assert response.status_code == 302, f"{persona} {row.method.upper()} {url}"
        assert response["Location"].startswith("/dang-nhap/"), response["Location"]
    else:
        assert response.status_code == expected, (
            f"{persona} {row.method.upper()} {url}: got {response.status_code}, want {expected}"
        )
    if row.snapshot and expected in (403, 404, LOGIN):
        assert row.snapshot(world, users) == before, f"{persona} changed the row through {url}"


def test_sign_out_is_post_only(client_as):
    client = client_as("officer_a")
    assert client.get("/dang-xuat/").status_code == 405
    assert client.post("/dang-xuat/").status_code == 302
    assert client.get("/").status_code == 302
