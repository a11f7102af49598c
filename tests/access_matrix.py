"""The access table: (URL, method, persona) → expected status.

Each app adds rows in `tests/<app>/access_rows.py` as `ROWS = [Row(...), ...]`;
`tests/portal/test_access_matrix.py` runs them all, and `test_every_url_has_a_row` fails when a
URL pattern has no row. Expected values: an HTTP status, or LOGIN (redirect to sign-in).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOGIN = "login"
ALL_SIGNED_IN = (
    "officer_a",
    "officer_b",
    "economic_office",
    "secretariat",
    "council_member",
    "chairman",
    "observer",
)


@dataclass
class Row:
    """One URL with the status each persona must get.

    url: a function of the `world` fixture (and the users dict) returning the path.
    expect: persona → status; personas not listed get `default`.
    data: POST body (a function of world, or a dict).
    snapshot: a function of world returning something that must not change when the request is
    refused (403/404) — "the row unchanged".
    """

    name: str
    url: Callable[..., str]
    expect: dict[str, Any]
    default: Any = 403
    method: str = "get"
    data: Any = None
    snapshot: Callable[..., Any] | None = None
    url_names: tuple[str, ...] = field(default_factory=tuple)
    #: False when the refusal comes from the POSTed data (e.g. a nominee outside the proposer's
    #: scope), not from the URL: the other method on the same URL is then legitimately allowed.
    other_method: bool = True

    def expected(self, persona: str) -> Any:
        if persona == "anonymous":
            return self.expect.get("anonymous", LOGIN)
        return self.expect.get(persona, self.default)


def with_seen_token(client, url: str, data: dict) -> dict:
    """A POST body as a browser that opened the page would send it: an edit form carries the
    edit guard's token (portal/concurrency.py) of the page the persona was shown. Pages the
    persona may not open (or POST-only URLs) give none, and the POST is judged without it."""
    if "seen" in data:
        return data
    page = client.get(url)
    if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
        return data
    from tests.pageforms import page_forms

    for form in page_forms(page):
        if form.fields.get("seen"):
            return {**data, "seen": form.fields["seen"]}
    return data


def everyone(status: Any) -> dict[str, Any]:
    return dict.fromkeys(ALL_SIGNED_IN, status)


#: Requests made by the matrix tests and how many did not get the expected answer; printed at the
#: end of the run by `tests/security/conftest.py` ("Access matrix: N requests, 0 mismatches").
STATS: Counter[str] = Counter()


def counted(check: Callable[[], None]) -> None:
    """Run one matrix check, counting it (and counting it as a mismatch when it fails)."""
    STATS["requests"] += 1
    try:
        check()
    except AssertionError:
        STATS["mismatches"] += 1
        raise


def each_persona(personas, check: Callable[[str], None]) -> None:
    """Run `check(persona)` for each persona, each inside a savepoint that is rolled back, so
    one persona's allowed POST never changes what the next one sees; report every failure.

    One test per row (not per row × persona) keeps the suite fast: the `world` and `users`
    fixtures are built once per row."""
    from django.db import transaction

    failures = []
    for persona in personas:
        try:
            with transaction.atomic():
                counted(lambda persona=persona: check(persona))
                transaction.set_rollback(True)
        except AssertionError as exc:
            failures.append(f"{persona}: {exc}")
    assert not failures, "\n".join(failures)
