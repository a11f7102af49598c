"""The demo on SQLite serves a training room (issue 14, item 23).

Eight people sign in at the same moment, three times each, through a live server (one thread
per request, one SQLite connection per thread, one database file): every sign-in succeeds.
Before WAL + `transaction_mode="IMMEDIATE"` + a busy timeout (portal/settings.py) most of them
answered 500 "database is locked": a request's transaction read first and asked for the write
lock at its first write, and SQLite refuses that upgrade at once when another connection holds
the lock."""

from __future__ import annotations

import re
import threading

import pytest
import requests
from django.db import connection

from portal.roles import Role
from tests.factories import UserFactory

PEOPLE = 8
ROUNDS = 3
PASSWORD = "MatKhau@12345"

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite demo's locking; PostgreSQL has row locks"
)


def _sign_in(base: str, username: str) -> str:
    """One sign-in and the home page after it, as a browser does; the outcome in words."""
    with requests.Session() as browser:
        page = browser.get(f"{base}/dang-nhap/", timeout=60)
        if page.status_code != 200:
            return f"sign-in page {page.status_code}"
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = browser.post(
            f"{base}/dang-nhap/",
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
            headers={"Referer": f"{base}/dang-nhap/"},
            allow_redirects=False,
            timeout=60,
        )
        if answer.status_code != 302 or "/dang-nhap/" in answer.headers.get("Location", ""):
            return f"sign-in {answer.status_code}"
        home = browser.get(f"{base}/", timeout=60)
        if home.status_code != 200 or username not in home.text:
            return f"home {home.status_code}"
        return "ok"


def test_eight_people_signing_in_at_once_three_times_each_all_get_in(
    transactional_db, live_server, settings
):
    settings.AXES_ENABLED = True
    names = [f"hocvien{i}" for i in range(1, PEOPLE + 1)]
    for name in names:
        UserFactory(username=name, full_name=f"Học viên {name}", roles=[Role.OBSERVER])
    start = threading.Barrier(PEOPLE)
    outcomes: dict[str, list[str]] = {name: [] for name in names}

    def person(name: str) -> None:
        start.wait()
        for _ in range(ROUNDS):
            try:
                outcomes[name].append(_sign_in(live_server.url, name))
            except requests.RequestException as exc:
                outcomes[name].append(f"error {exc}")

    threads = [threading.Thread(target=person, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    failed = {name: o for name, o in outcomes.items() if o != ["ok"] * ROUNDS}
    assert failed == {}, f"{sum(o.count('ok') for o in outcomes.values())} of 24 got in"
