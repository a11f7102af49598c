"""The access table, extended: the other method, CSRF on every URL, tampered hidden fields.

The rows are every app's `tests/<pkg>/access_rows*.py` (collected by the portal's matrix test),
so a new page or form is covered here as soon as it has its row. "Nothing changed" is judged by
the row's snapshot AND by the audit log: a refused request must not add a single AuditEvent.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portal.concurrency import seen_token
from portal.models import AuditEvent, User
from tests.access_matrix import LOGIN, STATS, Row, counted, each_persona
from tests.conftest import PERSONAS
from tests.portal.test_access_matrix import ROWS

# One world and its users per module, each test in a savepoint (tests/conftest.py).
SHARED_WORLD = True

REFUSED = (403, 404, LOGIN)

# Values an attacker would slip into a POST: the unit/status/year a form does not offer, or
# privilege flags. A view must ignore them (they are not form fields) or refuse them.
TAMPERED = {
    "unit": "__other_unit__",
    "unit_id": "__other_unit__",
    "status": "approved",
    "year": "1999",
    "is_superuser": "on",
    "is_staff": "on",
    "is_active": "on",
    "revision": "999",
}


def _tampered(world) -> dict:
    other = str(world.commune_b.pk)
    return {k: other if v == "__other_unit__" else v for k, v in TAMPERED.items()}


def _refused_rows() -> list[Row]:
    return [
        row
        for row in ROWS
        if row.other_method and any(row.expected(p) in REFUSED for p in PERSONAS)
    ]


def _is_refusal(response) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    return response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize("row", _refused_rows(), ids=lambda r: r.name)
def test_other_method_is_refused_too(row: Row, world, users, client_as):
    """A persona refused a GET page is refused a POST to it (and vice versa), changing nothing."""

    def check(persona: str) -> None:
        client = client_as(persona)
        url = row.url(world, users)
        before = row.snapshot(world, users) if row.snapshot else None
        events = AuditEvent.objects.count()
        if row.method == "get":
            data = row.data(world, users) if callable(row.data) else (row.data or {})
            response = client.post(url, {**data, **_tampered(world)})
        else:
            response = client.get(url)
        assert _is_refusal(response), (
            f"{persona} {'POST' if row.method == 'get' else 'GET'} {url} → "
            f"{response.status_code}, want a refusal"
        )
        assert AuditEvent.objects.count() == events, f"{persona} wrote through {url}"
        if row.snapshot:
            assert row.snapshot(world, users) == before

    refused = [p for p in PERSONAS if row.expected(p) in REFUSED]
    STATS["other-method"] += len(refused)
    each_persona(refused, check)


def _allowed_persona(row: Row) -> str | None:
    for persona in PERSONAS:
        if persona != "anonymous" and row.expected(persona) in (200, 302):
            return persona
    return None


CSRF_ROWS = [r for r in ROWS if _allowed_persona(r)]


@pytest.mark.parametrize("row", CSRF_ROWS, ids=[r.name for r in CSRF_ROWS])
def test_post_without_csrf_token_is_refused(row: Row, world, users):
    """Every URL, POSTed by a persona who may use it but without the CSRF token → 403, and
    nothing written."""

    def check() -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(
            users[_allowed_persona(row)], backend="django.contrib.auth.backends.ModelBackend"
        )
        url = row.url(world, users)
        before = row.snapshot(world, users) if row.snapshot else None
        events = AuditEvent.objects.count()
        data = row.data(world, users) if callable(row.data) else (row.data or {})
        response = client.post(url, data)
        assert response.status_code == 403, (
            f"POST {url} without CSRF token → {response.status_code}"
        )
        assert "CSRF" in response.content.decode() or "phiên" in response.content.decode().lower()
        assert AuditEvent.objects.count() == events
        if row.snapshot:
            assert row.snapshot(world, users) == before

    STATS["csrf"] += 1
    counted(check)


def test_csrf_refusal_explains_in_vietnamese(world, users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["secretariat"], backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("user-create"), {})
    assert response.status_code == 403
    assert "text/html" in response["Content-Type"]


# --- Tampered hidden fields ---------------------------------------------------------------------
# The pattern for every form: post the legitimate fields plus TAMPERED; then assert that the saved
# object's unit/status/year/privilege fields are what the server decided, not what was posted.
# Add a case to TAMPER_CASES for each new form (assessment, nomination, vote…).


def _unit_edit(world, users):
    return (
        "secretariat",
        reverse("units:unit-edit", args=[world.commune_a.pk]),
        {
            "code": "XA-A",
            "name": "Xã Phổ Thử A",
            "kind": "commune",
            "seen": seen_token(world.commune_a),
        },
        lambda: type(world.commune_a).objects.get(pk=world.commune_a.pk),
    )


def _person_edit(world, users):
    return (
        "officer_a",
        reverse("units:person-edit", args=[world.person_a.pk]),
        {
            "code": world.person_a.code or "",
            "full_name": "Trương Thị Ánh Nguyệt",
            "kind": world.person_a.kind,
            "gender": world.person_a.gender or "",
            "affiliation": world.commune_a.pk,
            "seen": seen_token(world.person_a),
        },
        lambda: type(world.person_a).objects.get(pk=world.person_a.pk),
    )


def _user_edit(world, users):
    officer = users["officer_a"]
    return (
        "secretariat",
        reverse("user-edit", args=[officer.pk]),
        {
            "username": "officer_a",
            "full_name": "Cán bộ xã A",
            "roles": ["unit_officer"],
            "units": [world.commune_a.pk],
            "seen": seen_token(officer),
        },
        lambda: User.objects.get(pk=officer.pk),
    )


TAMPER_CASES = {"unit edit": _unit_edit, "person edit": _person_edit, "user edit": _user_edit}


@pytest.mark.parametrize("case", TAMPER_CASES)
def test_tampered_hidden_fields_are_ignored(case, world, users, client_as):
    persona, url, data, fetch = TAMPER_CASES[case](world, users)
    before = fetch()
    response = client_as(persona).post(url, {**data, **_tampered(world)})
    assert response.status_code == 302, "the legitimate part of the form must save"
    after = fetch()
    for name in ("status", "year", "is_superuser", "is_staff", "unit_id", "revision"):
        if hasattr(before, name):
            assert getattr(after, name) == getattr(before, name), f"{case}: {name} was tampered"
    if hasattr(after, "affiliation_id"):
        assert after.affiliation_id == world.commune_a.pk
    if isinstance(after, User):
        assert not after.is_superuser
        assert not after.is_staff


def test_officer_cannot_move_a_person_to_another_unit(world, users, client_as):
    """A crafted value for a real field outside the officer's scope is refused with a message."""
    persona, url, data, fetch = _person_edit(world, users)
    response = client_as(persona).post(url, {**data, "affiliation": world.commune_b.pk})
    assert response.status_code == 200
    assert "affiliation" in response.context["form"].errors
    assert fetch().affiliation_id == world.commune_a.pk
