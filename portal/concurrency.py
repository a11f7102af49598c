"""Optimistic concurrency for every edit form: a save carries what its page showed.

A page that edits rows puts a signed token in its form (the hidden field `seen`): for each row,
the value of every stored field as the page was built (`seen_token`). When the form is posted,
the rows are locked and compared (`GuardedFormMixin` does it while validating; services that
check several rows themselves call `guarded_changes`):

- fields the person changed = what they posted ≠ what they saw;
- fields someone else changed since = the row now ≠ what they saw.

When the two sets do not meet, only the person's own changes are written and the other
person's stay (field-level merge); when they meet on a field with a different value, the save is
refused with `StaleEdit`: who changed the row and when (from the row's history), what changed,
and the person's input stays on the page (the form keeps its data and takes a fresh token, so the
next save, after they have looked, goes through). Actions that endorse a whole row (confirming
NTM results, approving) pass `merge=False`: any change since the page was built refuses them.

No schema change is needed: the token holds the values themselves, so a change made by any path
(service, bulk update, import) is seen. `docs/integrity.md` lists which guard protects what.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

SEEN_FIELD = "seen"
_SALT = "portal.concurrency.seen"
#: Token of a row that did not exist when the page was built (e.g. a commune's first NTM record).
ABSENT = "absent"


def _key(obj: models.Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def _canon_value(field: models.Field[Any, Any], value: Any) -> Any:
    """A JSON-able form of a field's value that compares equal exactly when the stored values
    are equal (a form's cleaned value and the row's value meet here)."""
    if isinstance(field, models.CharField | models.TextField) and not field.choices:
        return "" if value is None else str(value)
    if value is None or value == "":
        return None
    if isinstance(field, models.ForeignKey):
        return str(value.pk if isinstance(value, models.Model) else value)
    try:
        value = field.to_python(value)
    except ValidationError:
        return str(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(field, models.JSONField):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bool | int | str | float):
        return value
    return str(value)


def _canon_m2m(values: Iterable[Any]) -> list[str]:
    return sorted(str(v.pk if isinstance(v, models.Model) else v) for v in values)


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The row's stored values, field name → canonical value (many-to-many: sorted ids).

    The links are read once per loaded instance: a page that shows several forms for one row
    (check, send back, decline) costs one query per link, not one per form."""
    values = {f.name: _canon_value(f, f.value_from_object(obj)) for f in _fields(type(obj))}
    links = obj.__dict__.get("_seen_links")
    if links is None:
        links = {
            m2m.name: _canon_m2m(getattr(obj, m2m.name).values_list("pk", flat=True))
            for m2m in obj._meta.many_to_many
        }
        obj.__dict__["_seen_links"] = links
    values.update(links)
    return values


def seen_token(*objs: models.Model | None, absent: Iterable[str] = ()) -> str:
    """The signed token a form carries: each row's snapshot. `None` objects are skipped;
    `absent` names rows the page showed as not existing yet (see `absent_key`)."""
    data: dict[str, Any] = {
        _key(o): snapshot(o) for o in objs if o is not None and o.pk is not None
    }
    for key in absent:
        data[key] = ABSENT
    return signing.dumps(data, salt=_SALT, compress=True)


def absent_key(model: type[models.Model], **lookup: Any) -> str:
    """The key of a row that does not exist yet, by the lookup that would create it."""
    parts = ",".join(f"{k}={lookup[k]}" for k in sorted(lookup))
    return f"{model._meta.label_lower}:new({parts})"


class SeenTokenError(ValidationError):
    pass


def read_token(token: str | None) -> dict[str, Any]:
    if not token:
        raise SeenTokenError(
            "Trang này thiếu dấu phiên bản dữ liệu (có thể đã cũ); hãy tải lại trang rồi nhập lại.",
            code="stale",
        )
    try:
        data: dict[str, Any] = signing.loads(token, salt=_SALT)
        return data
    except signing.BadSignature as exc:
        raise SeenTokenError(
            "Dấu phiên bản dữ liệu của trang không hợp lệ; hãy tải lại trang.", code="stale"
        ) from exc


class StaleEdit(ValidationError):
    """Someone changed the rows after the page was built. Carries a fresh token for the page."""

    def __init__(self, message: str, *, fresh_token: str):
        super().__init__(message, code="stale")
        self.fresh_token = fresh_token


def field_label(model: type[models.Model], name: str) -> str:
    """A field's label (its verbose name); the name itself for a computed value."""
    try:
        field = model._meta.get_field(name)
    except Exception:  # a computed value, not a model field
        return name
    return str(getattr(field, "verbose_name", name))


def _show(model: type[models.Model], name: str, value: Any) -> str:
    """A stored value as a person reads it: related rows by name, choices by label."""
    if value is None or value == "" or value == []:
        return "(trống)"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    try:
        field = model._meta.get_field(name)
    except Exception:  # a computed value
        field = None
    related_model = field.related_model if field is not None else None
    if isinstance(related_model, type) and issubclass(related_model, models.Model):
        related = related_model._default_manager.in_bulk(
            value if isinstance(value, list) else [value]
        )
        names = [
            str(related.get(int(pk), pk)) for pk in (value if isinstance(value, list) else [value])
        ]
        return "; ".join(names) if isinstance(value, list) else f"“{names[0]}”"
    if isinstance(field, models.Field) and field.choices:
        value = dict(field.flatchoices).get(value, value)
    elif isinstance(field, models.DecimalField | models.IntegerField | models.FloatField):
        from .numbers import format_vn_number

        plain = any(word in name for word in ("year", "order", "number", "version"))
        return format_vn_number(
            Decimal(str(value)), max_decimals=field_decimals(field), grouping=not plain
        )
    elif isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = datetime.datetime.fromisoformat(value)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%H:%M ngày %d/%m/%Y")
    elif isinstance(field, models.DateField) and isinstance(value, str):
        return datetime.date.fromisoformat(value[:10]).strftime("%d/%m/%Y")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = str(value)
    return f"“{text[:80]}…”" if len(text) > 80 else f"“{text}”"


def _change(model: type[models.Model], name: str, old: Any, new: Any) -> str:
    if isinstance(old, list) and isinstance(new, list):  # links: what was added and removed
        parts = []
        if added := [v for v in new if v not in old]:
            parts.append(f"thêm {_show(model, name, added)}")
        if removed := [v for v in old if v not in new]:
            parts.append(f"bỏ {_show(model, name, removed)}")
        return ", ".join(parts)
    return f"{_show(model, name, old)} → {_show(model, name, new)}"


def field_decimals(field: models.Field[Any, Any]) -> int:
    return getattr(field, "decimal_places", 0) or 0


def who_and_when(obj: models.Model) -> tuple[str, str]:
    """The last person to change the row and when, from its history."""
    history = getattr(obj, "history", None)
    latest = None
    if history is not None:
        latest = history.select_related("history_user").order_by("-history_date").first()
    if latest is None:
        return "người khác", ""
    user = latest.history_user
    who = (getattr(user, "display_name", None) or str(user)) if user else "người khác"
    return who, timezone.localtime(latest.history_date).strftime("%H:%M ngày %d/%m/%Y")


def stale_message(
    obj: models.Model,
    changed: dict[str, tuple[Any, Any]],
    *,
    what: str = "",
    endorsing: bool = False,
) -> str:
    """'Không lưu được: X đã sửa … lúc … Đã thay đổi: field: old → new.' — then what to do: look
    and save again (an edit keeps the input), or look at the new figures first (`endorsing`: a
    confirmation or an approval of what the page showed)."""
    who, when = who_and_when(obj)
    subject = what or f"{obj._meta.verbose_name} “{obj}”"
    model = type(obj)
    lines = "; ".join(
        f"{field_label(model, name)}: {_change(model, name, old, new)}"
        for name, (old, new) in changed.items()
        if name not in HIDDEN_IN_MESSAGES and not _is_json(model, name)
    )
    text = "Không thực hiện được" if endorsing else "Không lưu được"
    text += f": {who} đã sửa {subject}"
    text += f" lúc {when}" if when else ""
    text += " sau khi bạn mở trang."
    if lines:
        text += f" Đã thay đổi: {lines}."
    if endorsing:
        text += " Trang đã hiện số liệu mới nhất; hãy xem lại trước khi làm lại."
    else:
        text += (
            " Những gì bạn nhập vẫn còn trên trang; hãy xem lại rồi bấm lưu lần nữa nếu vẫn "
            "muốn ghi đè."
        )
    return text


def _is_json(model: type[models.Model], name: str) -> bool:
    """Computed data (e.g. a nomination's eligibility) is compared but not shown to people."""
    try:
        return isinstance(model._meta.get_field(name), models.JSONField)
    except Exception:
        return False


#: Bookkeeping fields that change with every save; named in no message.
HIDDEN_IN_MESSAGES = {
    "updated_at",
    "modified",
    "revision",
    "return_snapshot",
    "sha256",
    "is_sample",
}


def _seen_for(
    seen: dict[str, Any], obj: models.Model, absent: str | None
) -> dict[str, Any] | str | None:
    """What the page saw of `obj`: its snapshot, ABSENT, or None (the token does not cover it)."""
    found: dict[str, Any] | str | None = (
        seen[absent] if absent is not None and absent in seen else seen.get(_key(obj))
    )
    return found


def guarded_changes(
    locked: models.Model,
    token: str | None,
    mine: dict[str, Any],
    *,
    merge: bool = True,
    absent: str | None = None,
    created: bool = False,
    what: str = "",
) -> dict[str, Any]:
    """Inside the caller's transaction, with `locked` fetched FOR UPDATE: the part of `mine`
    (field → value the person posted) that the person actually changed. Raises `StaleEdit` when
    someone changed one of those fields since the page was built (any field when `merge` is
    False). `absent` is the key the page used if the row did not exist then; `created` says the
    caller has just created the row (so nobody else did)."""
    seen_all = read_token(token)
    shown = _seen_for(seen_all, locked, absent)
    if shown is None:
        raise SeenTokenError(
            "Trang này không phải trang của bản ghi đang lưu; hãy tải lại trang.", code="stale"
        )
    model = type(locked)
    now = snapshot(locked)
    if isinstance(shown, str):  # ABSENT
        # The page showed no row. Created by this save: all the person's values are theirs to
        # write. Created by someone else meanwhile: every value they stored is "changed since".
        seen: dict[str, Any] = now if created else {}
    else:
        seen = shown
    theirs = {
        name: (seen.get(name), value)
        for name, value in now.items()
        if name not in seen or seen[name] != value
    }
    mine_canon = {name: _canon(model, name, value) for name, value in mine.items()}
    changed_by_me = {
        name: value
        for name, value in mine.items()
        if name not in seen or mine_canon[name] != seen[name]
    }
    if theirs:
        if merge:
            conflict = {
                name: theirs[name]
                for name in changed_by_me
                if name in theirs and mine_canon[name] != theirs[name][1]
            }
        else:
            conflict = theirs
        if conflict:
            raise StaleEdit(
                stale_message(locked, conflict, what=what, endorsing=not merge),
                fresh_token=seen_token(locked),
            )
    return changed_by_me


def _canon(model: type[models.Model], name: str, value: Any) -> Any:
    field = model._meta.get_field(name)
    if field.many_to_many:
        return _canon_m2m(value or [])
    return _canon_value(cast(models.Field[Any, Any], field), value)


# The mixin is used on forms only: the type checker reads it as one (its `self.fields`, …).
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class GuardedFormMixin(_FormBase):
    """The edit guard on a form: the hidden `seen` token, and the check when it is validated.

    ModelForms guard their `instance`; other forms name their rows with `guard=` (one object, or
    several for a service that checks each row itself; `guard_absent=` for rows the page shows as
    not existing yet).

    With one guarded row and `guard_in_form` (the default), validation does the whole job, so
    neither view nor service changes: the row is locked (`select_for_update`; every request is
    one transaction, ATOMIC_REQUESTS), a conflicting stale save becomes a form error, and the
    fields the person did not change take the row's current values — in `cleaned_data` and,
    for a ModelForm, in `instance` (its fields outside the form too), so the save writes the
    other person's values back unchanged. Form fields map to model fields by name;
    `guard_fields` renames (form field → model field) or limits them.

    A `StaleEdit` added to the form (here, or by a service through the views' usual
    `form.add_error(None, exc)`) refreshes the token in the form's data: the page re-renders with
    the person's input and the next save, made after they have seen the message, goes through."""

    #: form field → model field, when the names differ or only some fields are the row's.
    guard_fields: dict[str, str] | None = None
    #: False for forms whose service checks the token itself (several rows, computed values).
    guard_in_form: bool = True
    #: False for forms that endorse the whole row (confirm, approve): any change since refuses.
    guard_merge: bool = True

    def __init__(
        self, *args: Any, guard: Any = None, guard_absent: Iterable[str] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        objs = list(guard) if isinstance(guard, list | tuple) else [guard]
        if guard is None and isinstance(self, forms.ModelForm) and self.instance.pk:
            objs = [self.instance]
        objs = [o for o in objs if o is not None and o.pk is not None]
        absent = list(guard_absent)
        self.guarded = objs
        self.guards_rows = bool(objs or absent)
        self.fields[SEEN_FIELD] = forms.CharField(
            widget=forms.HiddenInput,
            required=False,
            initial=seen_token(*objs, absent=absent) if self.guards_rows else "",
        )

    def _guard_map(self, model: type[models.Model]) -> dict[str, str]:
        if self.guard_fields is not None:
            return dict(self.guard_fields)
        names = {f.name for f in _fields(model)} | {m.name for m in model._meta.many_to_many}
        return {n: n for n in self.fields if n in names}

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # BaseForm's, private in the stubs
        if not (self.guard_in_form and len(self.guarded) == 1) or self.errors:
            return
        obj = self.guarded[0]
        model = type(obj)
        try:
            locked = model._default_manager.select_for_update().get(pk=obj.pk)
        except model.DoesNotExist:
            self.add_error(None, "Bản ghi này vừa bị người khác xóa; không lưu được.")
            return
        mapping = {f: m for f, m in self._guard_map(model).items() if f in self.cleaned_data}
        mine = {m: self.cleaned_data[f] for f, m in mapping.items()}
        try:
            changed = guarded_changes(locked, self.seen, mine, merge=self.guard_merge)
        except ValidationError as exc:
            self.add_error(None, exc)
            return
        for form_field, model_field in mapping.items():
            if model_field in changed:
                continue
            field = model._meta.get_field(model_field)
            current = (
                list(getattr(locked, model_field).all())
                if field.many_to_many
                else getattr(locked, model_field)
            )
            self.cleaned_data[form_field] = current
        if isinstance(self, forms.ModelForm):
            for field in _fields(model):
                if field.name not in changed:
                    setattr(self.instance, field.attname, getattr(locked, field.attname))

    @property
    def seen(self) -> str | None:
        return self.data.get(self.add_prefix(SEEN_FIELD)) if self.is_bound else None

    def add_error(self, field: str | None, error: Any) -> None:
        fresh = getattr(error, "fresh_token", None)
        if fresh is None and isinstance(error, ValidationError) and hasattr(error, "error_list"):
            tokens = [e.fresh_token for e in error.error_list if hasattr(e, "fresh_token")]
            fresh = tokens[0] if tokens else None
        if fresh is not None and self.is_bound:
            data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict
            data[self.add_prefix(SEEN_FIELD)] = fresh
            self.data = data
        super().add_error(field, error)

    # Crispy renders only the fields its layout names; the token must ride along with every
    # layout a form sets, so `helper` turns on `render_hidden_fields` when assigned.
    @property
    def helper(self) -> Any:
        try:
            return self.__dict__["_guard_helper"]
        except KeyError:
            raise AttributeError("helper") from None

    @helper.setter
    def helper(self, value: Any) -> None:
        if value is not None:
            value.render_hidden_fields = True
        self.__dict__["_guard_helper"] = value


class RowActionForm(GuardedFormMixin, forms.Form):
    """The token alone, for a button that endorses what the page shows (confirm, submit,
    publish): `RowActionForm(guard=obj)` on the page, `RowActionForm(request.POST, guard=obj)`
    in the view — `is_valid()` is False when the row changed since the page was built."""

    guard_merge = False
