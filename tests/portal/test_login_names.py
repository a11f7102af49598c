"""Pages name people, never their accounts (issue 17, item 5).

"Người yêu cầu: thuongtruc", "Ký duyệt: chutich": a login name is not a person. Every GET page of
the access table (tests/portal/test_access_matrix.py), in a world where the personas requested,
signed, submitted, answered… (the rows the people-gone test builds, and the audit trail those
writes left), is opened as whoever may open it; its visible text (tags, scripts and attributes
removed) must not contain any persona's login name. Left out, as the brief allows: the account
pages (the user list and form, where the login name is what is edited), and on the audit trail
the events of user accounts, whose "Tên đăng nhập" column is the account's record.
"""

from __future__ import annotations

import html
import re

import pytest
from django.urls import resolve, reverse

from tests.portal.test_people_gone import GET_ROWS, _populate, reader

ACCOUNT_PAGES = {"user-list", "user-create", "user-edit"}
HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1>", re.S | re.I)
ACCOUNT_ROWS = re.compile(r'<tr data-testid="audit-row" data-model="portal.user".*?</tr>', re.S)


def visible_text(page: str) -> str:
    page = HIDDEN.sub(" ", page)
    page = ACCOUNT_ROWS.sub(" ", page)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"\s+", " ", text)


@pytest.mark.django_db
def test_no_page_prints_a_login_name(world, users, client_as):
    _populate(world, users)
    _edit_as_secretariat(world, client_as)  # an audit event with an actor
    logins = {persona: user.username for persona, user in users.items()}
    pattern = re.compile(
        r"(?<![\w.@/-])(" + "|".join(map(re.escape, logins.values())) + r")(?![\w])"
    )
    clients: dict[str, object] = {}
    seen, offending = 0, []
    for row in GET_ROWS:
        url = row.url(world, users)
        if resolve(url.split("?")[0]).url_name in ACCOUNT_PAGES:
            continue
        persona = reader(row)
        client = clients.get(persona) or clients.setdefault(persona, client_as(persona))
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        seen += 1
        text = visible_text(response.content.decode())
        for match in pattern.finditer(text):
            around = text[max(0, match.start() - 60) : match.end() + 20].split()
            offending.append(f"{row.name} ({persona}): …{' '.join(around)}…")
    assert seen > 50
    assert offending == [], "a login name on a page:\n" + "\n".join(offending[:30])


def test_the_audit_trail_names_the_actor_by_name(world, users, client_as):
    _edit_as_secretariat(world, client_as)
    text = visible_text(client_as("secretariat").get(reverse("audit-list")).content.decode())
    assert users["secretariat"].display_name in text
    assert not re.search(r"\bsecretariat\b", text)


def _edit_as_secretariat(world, client_as) -> None:
    from portal.concurrency import seen_token

    response = client_as("secretariat").post(
        reverse("units:unit-edit", args=[world.commune_a.pk]),
        {
            "code": "XA-A",
            "name": "Xã Phổ Thử A mới",
            "kind": "commune",
            "seen": seen_token(world.commune_a),
        },
    )
    assert response.status_code == 302
