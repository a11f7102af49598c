"""The audit trail in words people use: one `EventRow` per `AuditEvent`, for any audited model.

An event stores what `portal.audit` wrote: the model's label (`awards.nomination`), the row's id,
and the changed columns by their attribute name (`tier_id`, `is_sample`) with JSON-safe values
(ISO dates, ids, lists). None of that is shown. `describe_events(events, viewer)` looks up the
model named in the event and each changed column by introspection and shows

- the model's verbose name, each column's label (its verbose name; the related model's name for
  a foreign key left without one; a small table of usual names for the rest),
- choice labels, "Có"/"Không", dd/mm/yyyy (HH:MM local time), numbers the Vietnamese way
  (portal/numbers.py), money in đồng,
- a foreign key as the related row's name, a many-to-many change as the names added/removed,
- JSON values summarised ("Đạt 3/4 tiêu chuẩn", "2 mục"), never a Python list or dict,
- the row's name, linked to its page when the model has one and the viewer's scope covers the
  event's unit, and the actor's name (display_name), never a login name.

Queries do not grow with the number of events: one for the actors, one for the newest event of
every row the page names (the rows themselves and the rows their foreign keys point at: that
event's `object_repr` is the row's name, its action says whether the row still exists), one per
model without history whose rows a change points at (criteria, NTM criteria and their sets;
Django's groups and permissions), and one for the campaigns on the page (their page is named by
their code; every other link is built from the row's id, without reading the row).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.text import capfirst
from simple_history.models import registered_models

from .access import sees_all, unit_ids_in_scope
from .models import AuditEvent
from .numbers import format_vn_number
from .templatetags.people import GONE

EMPTY = "(trống)"
SYSTEM = "(hệ thống)"
DELETED_ROW = "(bản ghi đã xóa)"
UNKNOWN_FIELD = "Thông tin khác"

#: Labels for columns whose verbose name was left as Django's default (the English name).
NAME_LABELS = {
    "created_at": "Thời điểm tạo",
    "updated_at": "Thời điểm cập nhật",
    "granted_at": "Thời điểm cấp",
    "uploaded_at": "Thời điểm tải lên",
    "opened_at": "Thời điểm mở phiên",
    "closed_at": "Thời điểm kết thúc",
    "signed_at": "Thời điểm ký",
    "lease_until": "Hạn giữ việc dựng báo cáo",
    "status": "Trạng thái",
    "sha256": "Mã băm SHA-256",
    "context_hash": "Mã băm dữ liệu nguồn",
    "content_type": "Loại tệp",
    "signature_box": "Vị trí chữ ký",
    "previous": "Phiên bản trước",
    "members": "Thành viên",
    "created_by": "Người tạo",
    "submitted_by": "Người gửi",
    "uploaded_by": "Người tải lên",
    "requested_by": "Người yêu cầu",
    "decided_by": "Người quyết định",
    "confirmed_by": "Người xác nhận",
    "responded_by": "Người trả lời",
    "answered_by": "Người trả lời",
    "sent_by": "Người gửi",
    "proposed_by": "Người đề xuất",
    "released_by": "Người công bố",
    "override_by": "Người cho trình khi chưa đủ điều kiện",
    "closed_by": "Người kết thúc phiên",
    "signed_by": "Người ký",
    "user": "Người dùng",
}

#: Labels that replace a column's own (Django's user columns, named the portal's way).
FIELD_LABELS = {
    "email": "Thư điện tử",
    "is_superuser": "Toàn quyền quản trị",
    "is_staff": "Được vào trang quản trị",
    "is_active": "Đang hoạt động",
    "user_permissions": "Quyền riêng",
    "groups": "Nhóm quyền",
    "first_name": "Tên",
    "last_name": "Họ",
    "date_joined": "Ngày tạo tài khoản",
    "last_login": "Lần đăng nhập cuối",
}

#: Words for a JSON list whose items carry an eligibility-like "status".
_RESULT_WORDS = {"met": "đạt", "not_met": "chưa đạt", "unknown": "chưa đủ dữ liệu", "info": None}
#: Columns whose value is a secret or a machine value: say that it changed, not what it is.
_OPAQUE_SUFFIXES = ("hash", "sha256", "token", "secret", "password")


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class EventRow:
    event: AuditEvent
    when: dt.datetime
    actor: str
    model_label: str
    object_name: str
    object_url: str | None
    action: str
    reason: str
    changes: list[Change] = field(default_factory=list)


# --- Labels ------------------------------------------------------------------------------------


def audited_model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def model_label(label: str) -> str:
    """`awards.nomination` → "Đề nghị khen thưởng"."""
    model = audited_model(label)
    if model is None:
        return "Dữ liệu khác"
    return capfirst(str(model._meta.verbose_name))


def _is_default_name(f: models.Field[Any, Any]) -> bool:
    return str(f.verbose_name) == f.name.replace("_", " ")


def field_label(f: models.Field[Any, Any] | None) -> str:
    """The column's Vietnamese label."""
    if f is None:
        return UNKNOWN_FIELD
    if f.name in FIELD_LABELS and f.model._meta.app_label in ("portal", "auth"):
        return FIELD_LABELS[f.name]
    if not _is_default_name(f):
        return capfirst(str(f.verbose_name))
    if f.name in NAME_LABELS:
        return NAME_LABELS[f.name]
    if (target := _target(f)) is not None:
        return capfirst(str(target._meta.verbose_name))
    if isinstance(f, models.DateTimeField):
        return "Thời điểm"
    return UNKNOWN_FIELD


def _field_for(model: type[models.Model] | None, key: str) -> models.Field[Any, Any] | None:
    """A change's key is the column's attribute name (`tier_id`) or, for many-to-many and older
    events, its name (`units`)."""
    if model is None:
        return None
    opts = model._meta
    for f in [*opts.concrete_fields, *opts.many_to_many]:
        if key in (f.attname, f.name):
            return f
    return None


# --- Values ------------------------------------------------------------------------------------


def _date_text(value: Any, f: models.Field[Any, Any]) -> str | None:
    if isinstance(f, models.DateTimeField):
        moment = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
        if moment is None:
            return None
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%d/%m/%Y %H:%M")
    if isinstance(f, models.DateField):
        day = value if isinstance(value, dt.date) else parse_date(str(value)[:10])
        return day.strftime("%d/%m/%Y") if day else None
    if isinstance(f, models.TimeField):
        clock = value if isinstance(value, dt.time) else parse_time(str(value))
        return clock.strftime("%H:%M") if clock else None
    return None


def _number_text(value: Any, f: models.Field[Any, Any]) -> str:
    name = f.name
    if name == "year" or name.endswith("_year") or name in ("order", "number", "version"):
        return format_vn_number(value, grouping=False)
    text = format_vn_number(value, max_decimals=2)
    if name.endswith("_vnd"):
        return f"{text} đồng"
    return text


def summarise_json(value: Any) -> str:
    """A JSON value in words: never a Python list or dict."""
    if value in (None, "", [], {}):
        return EMPTY
    if isinstance(value, list):
        statuses: list[str] = [
            item["status"]
            for item in value
            if isinstance(item, dict) and item.get("status") in _RESULT_WORDS
        ]
        judged = [s for s in statuses if _RESULT_WORDS[s] is not None]
        if judged and len(statuses) == len(value):
            met = sum(1 for s in judged if s == "met")
            text = f"Đạt {format_vn_number(met)}/{format_vn_number(len(judged))} tiêu chuẩn"
            unknown = sum(1 for s in judged if s == "unknown")
            if unknown:
                text += f" ({format_vn_number(unknown)} chưa đủ dữ liệu)"
            return text
        sentences = all(isinstance(item, str) and " " in item for item in value)
        if sentences and len(value) <= 5:  # words people wrote, not codes
            return "; ".join(value)
        return f"{format_vn_number(len(value))} mục"
    if isinstance(value, dict):
        return f"{format_vn_number(len(value))} mục thông tin"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int | float | decimal.Decimal):
        return format_vn_number(value)
    return str(value)


class _Names:
    """The names of the rows foreign keys point at. An audited row's name is the `object_repr`
    of its newest audit event (every write to it is audited, so that is its name now, or the
    name it had when deleted); all of them come in one query with the page's own rows
    (`_newest_events`). Rows of models that keep no history (reference tables: criteria, NTM
    criteria and their sets) and rows that predate their model's history are read from their
    tables, one query per such model."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.found: dict[type[models.Model], dict[str, str]] = defaultdict(dict)

    def want(self, model: type[models.Model], pk: Any) -> None:
        if pk not in (None, ""):
            self.wanted[model].add(str(pk))

    def audited_keys(self) -> set[tuple[str, str]]:
        return {
            (model._meta.label_lower, pk)
            for model, pks in self.wanted.items()
            if is_audited(model)
            for pk in pks
        }

    def fetch(self, newest: dict[tuple[str, str], AuditEvent]) -> None:
        for model, pks in self.wanted.items():
            label, missing = model._meta.label_lower, set()
            for pk in pks:
                event = newest.get((label, pk)) if is_audited(model) else None
                if event is None or not event.object_repr:
                    missing.add(pk)
                elif event.action == AuditEvent.Action.DELETE:
                    self.found[model][pk] = f"{event.object_repr} {DELETED_ROW}"
                else:
                    self.found[model][pk] = event.object_repr
            clean = set()
            for pk in missing:
                try:
                    clean.add(model._meta.pk.to_python(pk))
                except Exception:
                    continue
            if clean:
                rows = model._default_manager.select_related().filter(pk__in=clean)
                self.found[model].update({str(row.pk): _name(row) for row in rows})

    def name(self, model: type[models.Model], pk: Any) -> str:
        if pk in (None, ""):
            return EMPTY
        return self.found.get(model, {}).get(str(pk), DELETED_ROW)


def is_audited(model: type[models.Model]) -> bool:
    """Does portal.audit write events for this model (simple_history tracks it)?"""
    return registered_models.get(model._meta.db_table) is model


def _newest_events(keys: set[tuple[str, str]]) -> dict[tuple[str, str], AuditEvent]:
    """(model label, object id) → that row's newest audit event, for all keys in one query."""
    if not keys:
        return {}
    wanted: dict[str, set[str]] = defaultdict(set)
    for label, object_id in keys:
        wanted[label].add(object_id)
    where = Q()
    for label, ids in wanted.items():
        where |= Q(model=label, object_id__in=sorted(ids))
    newest = (
        AuditEvent.objects.filter(where)
        .order_by()
        .values("model", "object_id")
        .annotate(last=Max("id"))
        .values("last")
    )
    rows = (
        AuditEvent.objects.filter(pk__in=newest)
        .order_by()
        .only("model", "object_id", "object_repr", "action")
    )
    return {(e.model, e.object_id): e for e in rows}


def _page_url(model: type[models.Model] | None, object_id: str) -> str | None:
    """The row's page, built from the id alone when the model's `get_absolute_url` needs
    nothing else (every audited model but the campaign, whose page is named by its code)."""
    if model is None or not hasattr(model, "get_absolute_url"):
        return None
    try:
        url: str = model(pk=model._meta.pk.to_python(object_id)).get_absolute_url()  # type: ignore[attr-defined]
        return url
    except Exception:
        return None


def _pages_read_from_rows(
    wanted: dict[type[models.Model], set[str]],
) -> dict[tuple[str, str], str]:
    """Pages of rows whose URL the id alone does not name (the campaign's, by its code): one
    query per such model."""
    urls = {}
    for model, ids in wanted.items():
        clean = set()
        for pk in ids:
            try:
                clean.add(model._meta.pk.to_python(pk))
            except Exception:
                continue
        for row in model._default_manager.filter(pk__in=clean):
            try:
                urls[(model._meta.label_lower, str(row.pk))] = row.get_absolute_url()  # type: ignore[attr-defined]
            except Exception:
                continue
    return urls


def _name(row: models.Model) -> str:
    name = getattr(row, "display_name", None)
    if isinstance(name, str) and name:
        return name
    return str(row)


def _target(f: models.Field[Any, Any]) -> type[models.Model] | None:
    """The model a relation points to (None for a plain column)."""
    model = f.related_model if f.is_relation else None
    return model if isinstance(model, type) and issubclass(model, models.Model) else None


def _m2m_targets(f: models.Field[Any, Any], value: Any) -> list[Any]:
    """The related ids in an m2m change: a list of through rows ({"user": 1, "unit": 3}) or of
    ids."""
    target = cast("models.ManyToManyField[Any, Any]", f).m2m_reverse_field_name()
    ids = []
    for item in value or []:
        if isinstance(item, dict):
            ids.append(item.get(target, item.get(f"{target}_id")))
        else:
            ids.append(item)
    return [i for i in ids if i is not None]


def _want(names: _Names, f: models.Field[Any, Any] | None, value: Any) -> None:
    if f is None or value is None:
        return
    target = _target(f)
    if target is None:
        return
    if f.many_to_many:
        for pk in _m2m_targets(f, value):
            names.want(target, pk)
    else:
        names.want(target, value)


def value_text(f: models.Field[Any, Any] | None, value: Any, names: _Names) -> str:
    """One value of one column, in words."""
    if f is None:
        return EMPTY if value in (None, "", [], {}) else "(đã thay đổi)"
    target = _target(f)
    if f.many_to_many and target is not None and target._meta.app_label == "auth":
        count = len(_m2m_targets(f, value))
        return f"{format_vn_number(count)} mục" if count else EMPTY
    if f.many_to_many and target is not None:
        shown = sorted(names.name(target, pk) for pk in _m2m_targets(f, value))
        return ", ".join(shown) if shown else EMPTY
    if value is None or value == "":
        return EMPTY
    if target is not None:
        return names.name(target, value)
    if f.choices:
        labels = {str(k): str(v) for k, v in f.flatchoices}
        if str(value) in labels:
            return labels[str(value)]
    if isinstance(f, models.BooleanField):
        return "Có" if value else "Không"
    if isinstance(f, models.DateField | models.TimeField):
        text = _date_text(value, f)
        return text if text is not None else "(không rõ thời điểm)"
    if isinstance(f, models.JSONField):
        return summarise_json(value)
    if isinstance(f, models.IntegerField | models.DecimalField | models.FloatField):
        return _number_text(value, f)
    if isinstance(f, models.FileField):
        return str(value).rsplit("/", 1)[-1] or EMPTY
    text = str(value)
    if f.name.endswith(_OPAQUE_SUFFIXES):
        return f"{text[:12]}…" if len(text) > 12 else text
    if len(text) > 160:
        text = text[:157] + "…"
    return text


# --- Rows --------------------------------------------------------------------------------------


def _changes(event: AuditEvent, model: type[models.Model] | None, names: _Names) -> list[Change]:
    out = []
    for key, pair in (event.changes or {}).items():
        f = _field_for(model, key)
        if f is not None and f.primary_key and not f.is_relation:
            continue  # the row's own id: the row is named in its own column
        old, new = (
            ([*list(pair), None, None])[:2] if isinstance(pair, list | tuple) else (None, pair)
        )
        if f is not None and f.name.endswith(("password",)):
            out.append(Change(field_label(f), "(ẩn)", "(ẩn)"))
            continue
        out.append(Change(field_label(f), value_text(f, old, names), value_text(f, new, names)))
    return out


def describe_changes(
    model: type[models.Model], items: list[tuple[str, Any, Any]], *, empty: str = EMPTY
) -> list[Change]:
    """(column name, old, new) of one model's history records → labelled values in words, with
    one query per related model for all of them (the per-object history panels, which write an
    empty value as `empty`)."""
    names = _Names()
    for key, old, new in items:
        f = _field_for(model, key)
        _want(names, f, old)
        _want(names, f, new)
    names.fetch(_newest_events(names.audited_keys()))
    out = []
    for key, old, new in items:
        f = _field_for(model, key)
        before, after = value_text(f, old, names), value_text(f, new, names)
        out.append(
            Change(
                field_label(f),
                empty if before == EMPTY else before,
                empty if after == EMPTY else after,
            )
        )
    return out


def describe_events(events: Iterable[AuditEvent], viewer: Any) -> list[EventRow]:
    """The page's events in words, with a constant number of queries."""
    events = list(events)
    names = _Names()
    actor_ids = set()
    for event in events:
        model = audited_model(event.model)
        if event.actor_id:
            actor_ids.add(event.actor_id)
        for key, pair in (event.changes or {}).items():
            f = _field_for(model, key)
            for value in pair if isinstance(pair, list | tuple) else [pair]:
                _want(names, f, value)
    newest = _newest_events({(e.model, str(e.object_id)) for e in events} | names.audited_keys())
    names.fetch(newest)

    everything = sees_all(viewer)
    scope = frozenset() if everything else unit_ids_in_scope(viewer)
    linkable: set[tuple[str, str]] = set()
    by_row: dict[type[models.Model], set[str]] = defaultdict(set)
    for event in events:
        key = (event.model, str(event.object_id))
        now = newest.get(key)
        if now is not None and now.action == AuditEvent.Action.DELETE:
            continue
        if not (everything or event.unit_id in scope):
            continue
        model = audited_model(event.model)
        if model is None or not hasattr(model, "get_absolute_url"):
            continue
        linkable.add(key)
        if _page_url(model, key[1]) is None:
            by_row[model].add(key[1])
    urls = _pages_read_from_rows(by_row)

    user_model = get_user_model()
    actors = {u.pk: u.display_name for u in user_model._default_manager.filter(pk__in=actor_ids)}

    result = []
    for event in events:
        model = audited_model(event.model)
        verbose = model_label(event.model)
        key = (event.model, str(event.object_id))
        url = None
        if key in linkable:
            url = urls.get(key) or _page_url(model, key[1])
        actor = SYSTEM if event.actor_id is None else actors.get(event.actor_id, GONE)
        result.append(
            EventRow(
                event=event,
                when=event.at,
                actor=actor,
                model_label=verbose,
                object_name=event.object_repr or verbose,
                object_url=url,
                action=event.get_action_display(),
                reason=event.reason,
                changes=_changes(event, model, names),
            )
        )
    return result


def model_choices(labels: Iterable[str]) -> list[tuple[str, str]]:
    """The filter's "Loại dữ liệu" choices: the models' names, sorted as people read them."""
    return sorted(((label, model_label(label)) for label in labels), key=lambda c: c[1])
