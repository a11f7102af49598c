"""Audit log: one event per write, bulk updates recorded, append-only, tamper-evident, and
browsable per object and per unit."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from portal.audit import audited_update, verify_chain
from portal.concurrency import seen_token
from portal.models import AuditEvent
from units.models import Unit

pytestmark = pytest.mark.django_db


def _history_models():
    """Historical models of every app (not the m2m through-history, part of its parent's)."""
    return [
        m
        for m in apps.get_models()
        if hasattr(m, "instance_type") and any(f.name == "history_type" for f in m._meta.fields)
    ]


def _historical_rows() -> int:
    return sum(m.objects.count() for m in _history_models())


def test_every_historical_record_has_exactly_one_event(world, users, client_as):
    """The invariant across every model with `history = HistoricalRecords()`, whatever app."""
    client = client_as("secretariat")
    client.post(
        reverse("units:unit-edit", args=[world.commune_a.pk]),
        {
            "code": "XA-A",
            "name": "Xã Phổ Thử A (đổi tên)",
            "kind": "commune",
            "seen": seen_token(world.commune_a),
        },
    )
    client.post(reverse("user-toggle-active", args=[users["officer_b"].pk]))
    assert _history_models(), "no model keeps history?"
    assert AuditEvent.objects.count() == _historical_rows()


def test_unit_edit_records_actor_old_and_new(world, users, client_as):
    client = client_as("secretariat")  # signing in saves last_login: an event of its own
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("units:unit-edit", args=[world.commune_a.pk]),
        {
            "code": "XA-A",
            "name": "Xã Phổ Thử A (đổi tên)",
            "kind": "commune",
            "seen": seen_token(world.commune_a),
        },
    )
    assert response.status_code == 302
    events = AuditEvent.objects.filter(model="units.unit", object_id=str(world.commune_a.pk))
    assert AuditEvent.objects.count() == before + 1
    event = events.latest("id")
    assert event.action == "~"
    assert event.actor_id == users["secretariat"].pk
    assert event.actor_name == "secretariat"
    assert event.changes["name"] == ["Xã Phổ Thử A", "Xã Phổ Thử A (đổi tên)"]
    assert event.unit_id == world.commune_a.pk
    assert event.request_id  # ties the event to the request's log lines


def test_bulk_update_leaves_one_event_per_row(world, users):
    qs = Unit.objects.filter(pk__in=[world.commune_a.pk, world.commune_b.pk])
    before = AuditEvent.objects.count()
    assert audited_update(qs, actor=users["secretariat"], reason="Gộp xã", note="đã gộp") == 2
    events = AuditEvent.objects.filter(action="bulk").order_by("id")
    assert AuditEvent.objects.count() == before + 2
    assert {e.object_id for e in events} == {str(world.commune_a.pk), str(world.commune_b.pk)}
    assert all(e.changes["note"][1] == "đã gộp" and e.reason == "Gộp xã" for e in events)
    assert {e.unit_id for e in events} == {world.commune_a.pk, world.commune_b.pk}
    # the rows' own history shows it too, and the invariant still holds
    assert world.commune_a.history.first().note == "đã gộp"
    assert AuditEvent.objects.count() == _historical_rows()


def test_audited_update_is_a_compare_and_swap(world, users):
    """0 rows when the expected old value no longer holds: the caller reports a conflict."""
    qs = Unit.objects.filter(pk=world.commune_a.pk, note="")
    assert audited_update(qs, actor=users["secretariat"], note="lần 1") == 1
    before = AuditEvent.objects.count()
    assert audited_update(qs, actor=users["officer_a"], note="lần 2") == 0
    assert AuditEvent.objects.count() == before
    assert Unit.objects.get(pk=world.commune_a.pk).note == "lần 1"


def test_chain_verifies_when_untouched(world, users):
    checked, breaks = verify_chain()
    assert checked == AuditEvent.objects.count() > 0
    assert breaks == []
    call_command("verify_audit")


def _raw(sql: str, params: list) -> None:
    """Write to the audit table behind the application's back (an attacker with SQL access)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # bypass the trigger
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def test_verify_audit_names_an_edited_event(world, users):
    victim = AuditEvent.objects.order_by("id")[1]
    _raw("UPDATE portal_auditevent SET actor_name = %s WHERE id = %s", ["ke-gian", victim.pk])
    with pytest.raises(CommandError, match="KHÔNG toàn vẹn"):
        call_command("verify_audit")
    _, breaks = verify_chain()
    assert breaks[0].event_id == victim.pk


def test_verify_audit_finds_a_removed_event(world, users):
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    _raw("DELETE FROM portal_auditevent WHERE id = %s", [ids[2]])
    _, breaks = verify_chain()
    assert breaks
    assert breaks[0].event_id == ids[3]


def test_verify_audit_finds_removed_newest_events(world, users):
    last = AuditEvent.objects.order_by("id").last()
    _raw("DELETE FROM portal_auditevent WHERE id = %s", [last.pk])
    _, breaks = verify_chain()
    assert breaks


def _in_savepoint(cursor, sql: str) -> None:
    with transaction.atomic():
        cursor.execute(sql)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize(
    "sql", ["UPDATE portal_auditevent SET actor_name = 'x'", "DELETE FROM portal_auditevent"]
)
def test_application_cannot_rewrite_history_on_postgresql(world, users, sql):
    count = AuditEvent.objects.count()
    with connection.cursor() as cursor, pytest.raises(DatabaseError, match="append-only"):
        _in_savepoint(cursor, sql)
    assert AuditEvent.objects.count() == count


def test_officer_sees_own_units_trail_only(world, users, client_as):
    client_as("secretariat").post(
        reverse("units:unit-edit", args=[world.commune_b.pk]),
        {
            "code": "XA-B",
            "name": "Xã Phổ Thử B mới",
            "kind": "commune",
            "seen": seen_token(world.commune_b),
        },
    )
    page = client_as("officer_a").get(reverse("audit-list"))
    ids = {e.object_id for e in page.context["page"]}
    assert str(world.commune_a.pk) in ids
    assert str(world.commune_b.pk) not in ids
    b_trail = reverse("audit-object", args=["units.unit", world.commune_b.pk])
    assert client_as("officer_a").get(b_trail).status_code == 404
    assert client_as("officer_b").get(b_trail).status_code == 200
    assert "Xã Phổ Thử B mới" in client_as("secretariat").get(b_trail).content.decode()


def test_secretariat_filters_the_list(world, users, client_as):
    page = client_as("secretariat").get(reverse("audit-list"), {"model": "portal.user"})
    assert page.status_code == 200
    assert {e.model for e in page.context["page"]} == {"portal.user"}
