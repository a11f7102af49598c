"""The audit log: one append-only, hash-chained event per write to a tracked row.

How events are written
- Every model with `history = HistoricalRecords()` is covered without any code in its app:
  simple_history's `post_create_historical_record` signal (sent once per historical row, i.e.
  once per save/delete, and once per many-to-many change) calls `record_history`, which stores
  the actor, the time, the row and the changed fields (old → new).
- `queryset.update()` and `bulk_update()` send no signal. Services that use them call
  `audited_update(qs, actor=user, reason="…", status="submitted")`, which locks the rows, reads
  the old values, updates, records one BULK event per changed row and a historical record per
  row; or, when they must do the update themselves, `record_bulk(model, {pk: {field: (old,
  new)}}, actor=…)`. It returns the number of rows updated, so it is also the audited
  compare-and-swap:
      if not audited_update(Assessment.objects.filter(pk=a.pk, status="draft"),
                            actor=user, status="submitted"):
          raise ValidationError("Hồ sơ đã được người khác cập nhật, vui lòng tải lại trang.")

Why it cannot be rewritten
- Append-only: on PostgreSQL a trigger (migration `portal.0002_audit_append_only`) raises on
  UPDATE or DELETE of `portal_auditevent`. Deployment also revokes TRUNCATE from the
  application role.
- Tamper-evident: each event stores `prev_hash` and `hash = HMAC-SHA256(key, prev_hash ‖
  content)` with the key AUDIT_CHAIN_KEY, which lives in the environment, never in the database,
  and the key's id (`key_id`, see `key_id()`), so an insider who can write the table but does not
  hold the key cannot re-compute the chain after an edit. Events written before a key was
  configured have `key_id = ""` and `hash = sha256(prev_hash ‖ content)`; they are accepted only
  before the first keyed event and, with a key set, only up to AUDIT_CHAIN_UNKEYED_UNTIL (the
  last event id when the deployment set its key; 0 for a deployment keyed from the start).
  Events of a retired key stay verifiable through AUDIT_CHAIN_OLD_KEYS (rotation).
  The chain head row (`AuditChainHead`, locked FOR UPDATE while appending) serialises writers and
  remembers the newest hash. `python manage.py verify_audit` recomputes the chain and names the
  first event that does not match.
- Anchored outside the database: every signed PDF carries the chain head at its signing
  (`current_anchor()`, written by `reports.signing.sign_document` into the signed revision), and
  `verify_audit --pdf … / --signed-documents` checks that the anchored event still has the
  anchored hash (`check_anchor`), which catches an insider who also holds the key and re-computed
  the chain after editing an event older than the document.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import functools
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import prefetch_related_objects
from django.dispatch import Signal, receiver
from django.utils import timezone
from simple_history.signals import post_create_historical_record

from .middleware import current_request_id
from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64

#: Sent once after `append` wrote a batch of events (`events=`, in order), inside the writing
#: transaction; the desk's cache version listens to it (portal/desk.py).
appended = Signal()
# Fields simple_history adds to every historical model; never part of the diff.
_HISTORY_FIELDS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
    "history_user_id",
    "history_relation",
}


def _plain(value: Any) -> Any:
    """A JSON-safe, stable form of a field value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or ""
    return str(value)


def canonical(event: AuditEvent) -> bytes:
    """The bytes an event's hash covers (everything but its own id and hashes)."""
    body = {
        "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "model": event.model,
        "object_id": str(event.object_id),
        "object_repr": event.object_repr,
        "action": event.action,
        "changes": _plain(event.changes),
        "unit_id": event.unit_id,
        "reason": event.reason,
        "request_id": event.request_id,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


#: `key_id` of an event hashed without a key (written before AUDIT_CHAIN_KEY was configured).
UNKEYED = ""


class UnknownKey(Exception):
    """An event names a key id that neither AUDIT_CHAIN_KEY nor AUDIT_CHAIN_OLD_KEYS has."""


@functools.lru_cache(maxsize=16)
def key_id(key: str) -> str:
    """A short public name of a key (stored with each event): derived from the key with HMAC, so
    it tells which key to use without revealing anything about it."""
    return hmac.new(key.encode(), b"thidua-audit-key-id", hashlib.sha256).hexdigest()[:12]


def _keys() -> dict[str, str]:
    """Every key that verifies: the current one and the retired ones, by key id."""
    current = getattr(settings, "AUDIT_CHAIN_KEY", "") or ""
    old = getattr(settings, "AUDIT_CHAIN_OLD_KEYS", None) or []
    return {key_id(k): k for k in [*old, current] if k}


def current_key_id() -> str:
    """The key id new events are written with (UNKEYED when no key is configured)."""
    current = getattr(settings, "AUDIT_CHAIN_KEY", "") or ""
    return key_id(current) if current else UNKEYED


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    """The event's hash: HMAC-SHA256 with the key its `key_id` names, or SHA-256 for an event
    written before a key was configured."""
    message = prev_hash.encode() + b"\n" + canonical(event)
    if event.key_id == UNKEYED:
        return hashlib.sha256(message).hexdigest()
    key = _keys().get(event.key_id)
    if key is None:
        raise UnknownKey(event.key_id)
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def _head() -> AuditChainHead:
    """The chain head, locked until the surrounding transaction ends (serialises appends)."""
    try:
        return AuditChainHead.objects.select_for_update().get(pk=1)
    except AuditChainHead.DoesNotExist:
        AuditChainHead.objects.get_or_create(pk=1)
        return AuditChainHead.objects.select_for_update().get(pk=1)


def append(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """Chain and insert events, in order, under the head lock: one INSERT for the batch."""
    events = list(events)
    if not events:
        return []
    with transaction.atomic():
        head = _head()
        prev = head.last_hash
        kid = current_key_id()
        for event in events:
            event.key_id = kid
            event.prev_hash = prev
            event.hash = compute_hash(prev, event)
            prev = event.hash
        AuditEvent.objects.bulk_create(events)
        last_id = events[-1].pk or AuditEvent.objects.values_list("pk", flat=True).get(hash=prev)
        AuditChainHead.objects.filter(pk=1).update(
            last_id=last_id, last_hash=prev, count=models.F("count") + len(events)
        )
        appended.send(sender=AuditEvent, events=events)
    return events


def _actor(user: Any) -> tuple[int | None, str]:
    if user is None or not getattr(user, "pk", None):
        return None, ""
    return user.pk, getattr(user, "username", "") or str(user)


def _unit_of(obj: Any) -> int | None:
    try:
        unit_id = getattr(obj, "access_unit_id", None)
    except Exception:  # a half-deleted row; the event is still written
        return None
    return unit_id if isinstance(unit_id, int) else None


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _repr(obj: Any) -> str:
    try:
        return str(obj)[:200]
    except Exception:
        return ""


def _tracked_values(history_instance: Any) -> dict[str, Any]:
    values = {}
    for field in history_instance.instance_type._meta.fields:
        name = field.attname
        if name in _HISTORY_FIELDS or not hasattr(history_instance, name):
            continue
        values[name] = _plain(getattr(history_instance, name))
    return values


def _changes(history_instance: Any) -> dict[str, list[Any]]:
    kind = history_instance.history_type
    if kind == "+":
        return {k: [None, v] for k, v in _tracked_values(history_instance).items()}
    if kind == "-":
        return {k: [v, None] for k, v in _tracked_values(history_instance).items()}
    prev = history_instance.prev_record
    if prev is None:
        return {k: [None, v] for k, v in _tracked_values(history_instance).items()}
    delta = history_instance.diff_against(prev)
    return {c.field: [_plain(c.old), _plain(c.new)] for c in delta.changes}


def _history_event(instance: Any, history_instance: Any, user: Any, reason: str) -> AuditEvent:
    """The audit event of one historical record (one save, delete or many-to-many change)."""
    actor_id, actor_name = _actor(user)
    rid = current_request_id()
    return AuditEvent(
        at=history_instance.history_date or timezone.now(),
        actor_id=actor_id,
        actor_name=actor_name,
        model=_label(type(instance)),
        object_id=str(instance.pk),
        object_repr=_repr(instance),
        action=history_instance.history_type,
        changes=_changes(history_instance),
        unit_id=_unit_of(instance),
        reason=(reason or "")[:300],
        request_id=rid if rid != "-" else "",
    )


@receiver(post_create_historical_record)
def record_history(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    """One event per historical record (simple_history sends this once per write)."""
    append(
        [
            _history_event(
                instance,
                history_instance,
                kwargs.get("history_user"),
                kwargs.get("history_change_reason") or "",
            )
        ]
    )


def _read_parents(model: type[models.Model], objs: list[models.Model]) -> None:
    """Load the rows' parents (foreign keys) with one query per key instead of one per row: an
    event's `object_repr` is `str(row)`, which often names a parent (a vote rule names its tier),
    and rows built from ids (`tier_id=…`) have none loaded."""
    names = [f.name for f in model._meta.concrete_fields if f.many_to_one]
    if names and len(objs) > 1:
        prefetch_related_objects(objs, *names)


def create_audited(
    model: type[models.Model], objs: list[models.Model], *, actor: Any = None, reason: str = ""
) -> list[models.Model]:
    """Insert new rows of a tracked model in bulk, as `save()` one by one would record them: each
    row gets its historical record and its own audit event ("+", every field), but the rows,
    the historical records and the events are each one INSERT, under one lock of the chain head.
    For reference data and imports, where thousands of rows arrive at once."""
    if not objs:
        return []
    with transaction.atomic():
        created = model._default_manager.bulk_create(objs)
        manager = getattr(model._meta, "simple_history_manager_attribute", None)
        if manager is None:  # not tracked: save() would record nothing either
            return created
        history = getattr(model, manager).bulk_history_create(
            created, default_user=actor, default_change_reason=reason
        )
        if history is None:  # SIMPLE_HISTORY_ENABLED = False
            return created
        _read_parents(model, created)
        append(
            _history_event(row, record, actor, reason)
            for row, record in zip(created, history, strict=True)
        )
    return created


#: Rows per UPDATE statement of `update_audited` (and per INSERT of the history behind it).
UPDATE_BATCH = 1000


def update_audited(
    model: type[models.Model],
    changes: Iterable[tuple[models.Model, Mapping[str, tuple[Any, Any]]]],
    *,
    actor: Any = None,
    reason: str = "",
    touch: Iterable[str] = (),
) -> int:
    """Save changed rows of a tracked model in bulk, as `save()` one by one would record them.

    `changes` pairs each row (its new values already set on the instance) with what changed,
    field name → (old, new). Each row gets its historical record ("~") and its own audit event
    ("~", the changed fields old → new, what `save()` records), but the updates are one
    statement per UPDATE_BATCH rows, and the historical records and the events one INSERT each,
    under one lock of the chain head. `touch` names fields written as well but not recorded
    (e.g. an `auto_now` stamp the history excludes). Returns the number of rows updated."""
    pairs = [(obj, diff) for obj, diff in changes if diff]
    if not pairs:
        return 0
    objs = [obj for obj, _diff in pairs]
    names = sorted({name for _obj, diff in pairs for name in diff} | set(touch))
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    by_name.update({f.name: f for f in model._meta.concrete_fields})
    fields = list({by_name[name].attname: by_name[name] for name in names}.values())
    with transaction.atomic():
        bulk_set(model, objs, fields)
        manager = getattr(model._meta, "simple_history_manager_attribute", None)
        if manager is None:  # not tracked: save() would record nothing either
            return len(objs)
        history = getattr(model, manager).bulk_history_create(
            objs,
            update=True,
            batch_size=UPDATE_BATCH,
            default_user=actor if getattr(actor, "pk", None) else None,
            default_change_reason=reason,
        )
        if history is None:  # SIMPLE_HISTORY_ENABLED = False
            return len(objs)
        _read_parents(model, objs)
        actor_id, actor_name = _actor(actor)
        rid = current_request_id()
        now = timezone.now()
        append(
            AuditEvent(
                at=record.history_date or now,
                actor_id=actor_id,
                actor_name=actor_name,
                model=_label(model),
                object_id=str(obj.pk),
                object_repr=_repr(obj),
                action="~",
                changes={k: [_plain(old), _plain(new)] for k, (old, new) in diff.items()},
                unit_id=_unit_of(obj),
                reason=(reason or "")[:300],
                request_id=rid if rid != "-" else "",
            )
            for (obj, diff), record in zip(pairs, history, strict=True)
        )
    return len(objs)


def bulk_set(model: type[models.Model], objs: list[models.Model], fields: list[Any]) -> None:
    """Write `fields` of `objs` (by pk), recording nothing (update_audited records): on
    PostgreSQL one `UPDATE … FROM (VALUES …)` per UPDATE_BATCH rows, on SQLite (3.33 and later)
    the same with the values in a `WITH`, as many rows a statement as its parameter limit
    allows. Django's `bulk_update` builds a CASE per field whose cost grows with the batch
    (30,000 rows took most of a minute; 20,000 NTM statuses' derived columns, 13 s)."""
    import sqlite3

    from django.db import connections, router

    alias = router.db_for_write(model)
    connection = connections[alias]
    quote = connection.ops.quote_name
    pk = model._meta.pk
    columns = [pk, *fields]
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 33):  # Django's driver
        _sqlite_set(connection, model, objs, columns)
        return
    if connection.vendor != "postgresql":
        model._default_manager.using(alias).bulk_update(
            objs, [f.name for f in fields], batch_size=500
        )
        return
    # The key's type as a referencing column has it (bigint, not bigserial); Field.rel_db_type
    # is missing from django-stubs.
    casts = [pk.rel_db_type(connection)] + [f.cast_db_type(connection) for f in fields]  # type: ignore[attr-defined]
    row_sql = "(" + ", ".join(f"%s::{c}" for c in casts) + ")"
    names = ", ".join(quote(f"c{i}") for i in range(len(columns)))
    sets = ", ".join(f"{quote(f.column)} = v.{quote(f'c{i + 1}')}" for i, f in enumerate(fields))
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), UPDATE_BATCH):
            batch = objs[start : start + UPDATE_BATCH]
            params: list[Any] = []
            for obj in batch:
                params.append(pk.get_db_prep_save(obj.pk, connection))
                params.extend(
                    f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields
                )
            cursor.execute(
                f"UPDATE {table} SET {sets} FROM (VALUES "
                + ", ".join([row_sql] * len(batch))
                + f") AS v({names}) WHERE {table}.{quote(pk.column)} = v.{quote('c0')}",
                params,
            )


def _sqlite_set(
    connection: Any, model: type[models.Model], objs: list[models.Model], columns: list[Any]
) -> None:
    quote = connection.ops.quote_name
    pk, fields = columns[0], columns[1:]
    names = ", ".join(quote(f"c{i}") for i in range(len(columns)))
    sets = ", ".join(f"{quote(f.column)} = v.{quote(f'c{i + 1}')}" for i, f in enumerate(fields))
    table = quote(model._meta.db_table)
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per_statement = max(1, min(UPDATE_BATCH, connection.features.max_query_params // len(columns)))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_statement):
            batch = objs[start : start + per_statement]
            params = [
                f.get_db_prep_save(obj.pk if f is pk else getattr(obj, f.attname), connection)
                for obj in batch
                for f in columns
            ]
            cursor.execute(
                f"WITH v({names}) AS (VALUES "
                + ", ".join([row_sql] * len(batch))
                + f") UPDATE {table} SET {sets} FROM v "
                f"WHERE {table}.{quote(pk.column)} = v.{quote('c0')}",
                params,
            )


@dataclass(frozen=True)
class BulkChange:
    fields: Mapping[str, tuple[Any, Any]]
    unit_id: int | None = None
    object_repr: str = ""


def record_bulk(
    model: type[models.Model],
    changes: Mapping[Any, BulkChange | Mapping[str, tuple[Any, Any]]],
    *,
    actor: Any,
    reason: str = "",
) -> list[AuditEvent]:
    """Record one BULK event per row changed by a queryset update the caller performed.

    `changes` maps pk → {field: (old, new)} (or a BulkChange with the unit id). Call it in the
    same transaction as the update.
    """
    actor_id, actor_name = _actor(actor)
    now = timezone.now()
    rid = current_request_id()
    events = []
    for pk, change in changes.items():
        if not isinstance(change, BulkChange):
            change = BulkChange(fields=change)
        events.append(
            AuditEvent(
                at=now,
                actor_id=actor_id,
                actor_name=actor_name,
                model=_label(model),
                object_id=str(pk),
                object_repr=change.object_repr[:200],
                action=AuditEvent.Action.BULK,
                changes={k: [_plain(o), _plain(n)] for k, (o, n) in change.fields.items()},
                unit_id=change.unit_id,
                reason=reason[:300],
                request_id=rid if rid != "-" else "",
            )
        )
    return append(events)


def audited_update(
    queryset: models.QuerySet[Any], *, actor: Any, reason: str = "", **values: Any
) -> int:
    """`queryset.update(**values)` that locks the rows, records old → new for each changed row
    (one BULK event per row) and returns the number of rows updated."""
    model = queryset.model
    fields = list(values)
    with transaction.atomic():
        # Lock this model's rows only. Without `of`, PostgreSQL locks every row the query joins,
        # and a model's default ordering may join (Assessment orders by campaign and unit name):
        # each officer's save then held the campaign row FOR UPDATE until commit, which
        # serialised every save of the campaign and blocked (or deadlocked with) every insert
        # whose foreign key points at that campaign (reports, nominations, registrations…).
        rows = list(queryset.select_for_update(of=("self",)))
        if not rows:
            return 0
        updated = model._default_manager.filter(pk__in=[r.pk for r in rows]).update(**values)
        fresh = {r.pk: r for r in model._default_manager.filter(pk__in=[r.pk for r in rows])}
        changes = {}
        for row in rows:
            new_row = fresh.get(row.pk)
            if new_row is None:
                continue
            diff = {
                f: (getattr(row, model._meta.get_field(f).attname), getattr(new_row, f_att))
                for f in fields
                if (f_att := model._meta.get_field(f).attname)
                and getattr(row, f_att) != getattr(new_row, f_att)
            }
            if diff:
                changes[row.pk] = BulkChange(
                    fields=diff, unit_id=_unit_of(new_row), object_repr=_repr(new_row)
                )
        record_bulk(model, changes, actor=actor, reason=reason)
        history: Any = getattr(model, "history", None)
        if changes and hasattr(history, "bulk_history_create"):
            # The rows' own history pages show the change too (no signal: no second event).
            history.bulk_history_create(
                [fresh[pk] for pk in changes],
                update=True,
                default_user=actor if getattr(actor, "pk", None) else None,
                default_change_reason=reason,
            )
    return int(updated)


@dataclass(frozen=True)
class Break:
    event_id: int | None
    problem: str
    #: What broke when it is not an event of the chain (e.g. "văn bản …"); shown instead.
    where: str = ""


@dataclass
class CheckResult:
    """One check of `manage.py verify_audit`: what it found broken, what it covered (for the
    closing line, e.g. "1.234 sự kiện") and lines to show either way."""

    breaks: list[Break]
    covered: str
    summary: str = ""
    notes: list[str] = dataclasses.field(default_factory=list)


def verify_chain(*, batch: int = 2000) -> tuple[int, list[Break]]:
    """Recompute the chain; returns (events checked, breaks). Streams in id order.

    Events hashed without a key (written before AUDIT_CHAIN_KEY) are accepted only before the
    first keyed one and, once a key is configured, only up to AUDIT_CHAIN_UNKEYED_UNTIL: an
    unkeyed event after those is what an insider without the key would have to write to
    re-compute the chain, and is reported."""
    breaks: list[Break] = []
    prev = GENESIS
    checked = 0
    last_id = None
    first_keyed = None
    unknown: dict[str, tuple[int, int, int]] = {}  # key id → (first event, last event, count)
    downgraded: dict[str, Any] | None = None  # unkeyed events where only keyed ones may be
    # With a key configured, an unkeyed event is accepted only up to the id the deployment
    # recorded when it set the key (0: none), so a chain re-computed whole without the key fails.
    keyed_only_after = (
        int(getattr(settings, "AUDIT_CHAIN_UNKEYED_UNTIL", 0) or 0) if current_key_id() else None
    )
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch):
        checked += 1
        if event.prev_hash != prev:
            breaks.append(
                Break(event.pk, "prev_hash không khớp sự kiện liền trước (có sự kiện bị xóa?)")
            )
        late = ""
        if event.key_id == UNKEYED and first_keyed is not None:
            late = f"sau sự kiện có khóa #{first_keyed}"
        elif event.key_id == UNKEYED and keyed_only_after is not None:
            if event.pk > keyed_only_after:
                late = (
                    f"dù đã đặt AUDIT_CHAIN_KEY (chỉ các sự kiện đến #{keyed_only_after}, "
                    "AUDIT_CHAIN_UNKEYED_UNTIL, được ghi không khóa)"
                )
        elif event.key_id != UNKEYED and first_keyed is None:
            first_keyed = event.pk
        if late:
            if downgraded is None:
                downgraded = {"at": len(breaks), "first": event.pk, "why": late, "n": 0}
            downgraded["last"] = event.pk
            downgraded["n"] += 1
        try:
            if compute_hash(event.prev_hash, event) != event.hash:
                breaks.append(Break(event.pk, "nội dung đã bị sửa (hash không khớp)"))
        except UnknownKey:
            first, _, n = unknown.get(event.key_id, (event.pk, event.pk, 0))
            unknown[event.key_id] = (first, event.pk, n + 1)
        prev = event.hash
        last_id = event.pk
    if downgraded is not None:  # one line for the run, named by its first event
        breaks.insert(
            downgraded["at"],
            Break(
                downgraded["first"],
                f"băm không có khóa {downgraded['why']}: {downgraded['n']} sự kiện "
                f"(#{downgraded['first']}–#{downgraded['last']}), chuỗi bị tính lại không khóa",
            ),
        )
    for kid, (first, last, n) in unknown.items():  # one line per missing key, not per event
        breaks.append(
            Break(
                first,
                f"khóa “{kid}” không có trong AUDIT_CHAIN_KEY hay AUDIT_CHAIN_OLD_KEYS: {n} sự "
                f"kiện (#{first}–#{last}) không kiểm tra được",
            )
        )
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None:
        if head.last_hash != prev or (last_id or 0) != head.last_id:
            breaks.append(
                Break(
                    last_id,
                    f"đầu chuỗi ghi sự kiện #{head.last_id} nhưng bảng kết thúc ở #{last_id}",
                )
            )
        if head.count != checked:
            breaks.append(Break(None, f"đầu chuỗi đếm {head.count} sự kiện, bảng có {checked}"))
    elif checked:
        breaks.append(Break(None, "thiếu đầu chuỗi"))
    return checked, breaks


# --- The chain head anchored in signed documents -----------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """The chain head at one moment: the newest event's id and hash, and how many events the
    chain then had. Written into every signed PDF (`reports.signing.sign_document`)."""

    last_id: int
    last_hash: str
    count: int


def current_anchor() -> Anchor:
    """The chain head as this transaction sees it (its own events included)."""
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        return Anchor(0, GENESIS, 0)
    return Anchor(head.last_id, head.last_hash, head.count)


def check_anchor(anchor: Anchor) -> str | None:
    """None when the chain still holds the anchored head (the event with that id has that hash,
    and that many events up to it), else what disagrees, in Vietnamese. Run after
    `verify_chain`, which establishes that each stored hash is the chain's own."""
    if anchor.last_id == 0:
        if anchor.count != 0:
            return f"văn bản ghi chuỗi rỗng nhưng đếm {anchor.count} sự kiện"
        return None
    stored = AuditEvent.objects.filter(pk=anchor.last_id).values_list("hash", flat=True).first()
    if stored is None:
        return f"sự kiện #{anchor.last_id} văn bản ghi nhận không còn trong nhật ký"
    if stored != anchor.last_hash:
        return (
            f"sự kiện #{anchor.last_id} có mã băm {stored[:16]}… nhưng lúc ký là "
            f"{anchor.last_hash[:16]}…: nhật ký đến sự kiện này đã bị ghi lại sau khi ký"
        )
    count = AuditEvent.objects.filter(pk__lte=anchor.last_id).count()
    if count != anchor.count:
        return (
            f"lúc ký có {anchor.count} sự kiện đến #{anchor.last_id}, nay có {count}: "
            "nhật ký đã bị thêm hoặc xóa sự kiện cũ"
        )
    return None


def check_chain(options: Mapping[str, Any]) -> CheckResult:
    """`verify_audit`'s first check: the chain itself (`verify_chain`), with a note on events
    hashed before a key was configured."""
    checked, breaks = verify_chain()
    notes = []
    unkeyed = AuditEvent.objects.filter(key_id=UNKEYED).aggregate(
        n=models.Count("id"), last=models.Max("id")
    )
    if unkeyed["n"] and checked:
        notes.append(
            f"{unkeyed['n']} sự kiện được băm không khóa (trước khi đặt AUDIT_CHAIN_KEY), đến "
            f"sự kiện #{unkeyed['last']}; khi đặt khóa cho hệ thống đang chạy, ghi "
            f"AUDIT_CHAIN_UNKEYED_UNTIL={unkeyed['last']} cùng lúc."
        )
    if not current_key_id():
        notes.append(
            "CẢNH BÁO: chưa đặt AUDIT_CHAIN_KEY, sự kiện mới được băm không khóa; người có quyền "
            "ghi cơ sở dữ liệu có thể tính lại cả chuỗi."
        )
    return CheckResult(
        breaks=breaks,
        covered=f"{checked} sự kiện",
        summary=f"{checked} sự kiện, chuỗi băm khớp",
        notes=notes,
    )
