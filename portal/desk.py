"""The person's desk: what waits for the signed-in person ("Việc cần làm").

Each app registers its sources in its AppConfig.ready(), as it registers menu entries
(`portal.navigation`): a source holds a capability and a function that, for one user, returns
the `DeskItem`s waiting for that user — a label in the words the office uses, a count, the page
that holds the work, and a detail (the deadline in force, the reason a file was returned). The
home page lists them; the menu shows each group's total beside the group's name.

Counts are read once and kept in the cache until something changes: they are keyed by the data
version (`portal.figures_cache`), which every audited write bumps, so the next page after any
write reads the desk afresh. The day is part of the key too: a deadline that passes at midnight
moves an item from "due" to "late" without a write. A page that nobody writes to costs one cache
read for the menu.

The first page after a write reads every count of the desk in one query: a source declares its
counts (`DeskSource.counts`, querysets by name), `collect` reads those of every source the user
holds together (`count_all`: one scalar subquery each), and each source asks `counted` for its
own and reads the rows it shows (the deadline, the reason) only when something waits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

from .access import has_capability
from .figures_cache import data_version

if TYPE_CHECKING:
    from .access import AnyUser

#: How long a user's desk stays cached when nothing is written (a safety net, not the mechanism).
TTL_SECONDS = 15 * 60


@dataclass(frozen=True)
class DeskItem:
    """One kind of work waiting: "3 hồ sơ chờ thẩm định", with the page that holds it."""

    label: str
    count: int
    url: str
    #: The menu group the work belongs to (a label of `portal.navigation.MENU_GROUPS`).
    group: str = ""
    #: One line under the label: the deadline in force, the reason, the names waiting.
    detail: str = ""
    #: Overdue or blocking someone else: shown first and marked.
    urgent: bool = False
    #: The text on the count badge, when "3" alone would not say it ("3 xã").
    unit: str = ""


@dataclass(frozen=True)
class DeskSource:
    key: str
    #: The capability (or any of several) a user needs to see this source.
    capability: str | tuple[str, ...]
    collect: Callable[[Any], Iterable[DeskItem]]
    order: int = 100
    #: For one user, the querysets whose sizes make the source's items ({name: queryset}); read
    #: with every other source's in one query before the sources collect. `collect` reads them
    #: with `counted(user, <this function>)`.
    counts: Callable[[Any], Mapping[str, QuerySet[Any]]] | None = None


_SOURCES: dict[str, DeskSource] = {}


def register_desk(*sources: DeskSource) -> None:
    for source in sources:
        _SOURCES[source.key] = source


def sources() -> list[DeskSource]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.key))


def count_all(querysets: Mapping[str, QuerySet[Any]]) -> dict[str, int]:
    """The number of rows of each queryset, in one query whatever their number (each is a
    scalar subquery of one SELECT). A queryset that can match nothing (`.none()`) costs none."""
    counts: dict[str, int] = {}
    parts: list[str] = []
    params: list[Any] = []
    names: list[str] = []
    alias = "default"
    for name, qs in querysets.items():
        try:
            sql, qs_params = qs.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            counts[name] = 0
            continue
        alias = qs.db
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) desk_{len(parts)})")
        params.extend(qs_params)
        names.append(name)
    if parts:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            row = cursor.fetchone()
        counts.update(zip(names, (int(n) for n in row), strict=True))
    return counts


CountsOf = Callable[[Any], Mapping[str, QuerySet[Any]]]

#: The counts read for the desk being collected: {counts function: {name: count}}.
_counted: ContextVar[dict[CountsOf, dict[str, int]] | None] = ContextVar(
    "desk_counted", default=None
)


def counted(user: AnyUser, counts: CountsOf) -> dict[str, int]:
    """The counts `counts(user)` names: those `collect` read for every source at once, else
    (a source called alone) read now."""
    done = _counted.get()
    if done is not None and counts in done:
        return done[counts]
    return count_all(counts(user))


def _held(user: AnyUser, source: DeskSource) -> bool:
    needed = (source.capability,) if isinstance(source.capability, str) else source.capability
    return any(has_capability(user, cap) for cap in needed)


def collect(user: AnyUser) -> list[DeskItem]:
    """Read the desk now (no cache): the items with something waiting, urgent first."""
    held = [source for source in sources() if _held(user, source)]
    wanted: dict[CountsOf, Mapping[str, QuerySet[Any]]] = {}
    for source in held:
        if source.counts is not None and source.counts not in wanted:
            wanted[source.counts] = source.counts(user)
    flat = count_all(
        {
            f"{i}:{name}": qs
            for i, qs_map in enumerate(wanted.values())
            for name, qs in qs_map.items()
        }
    )
    done = {
        fn: {name: flat[f"{i}:{name}"] for name in qs_map}
        for i, (fn, qs_map) in enumerate(wanted.items())
    }
    token = _counted.set(done)
    try:
        items: list[DeskItem] = []
        for source in held:
            items.extend(item for item in source.collect(user) if item.count > 0)
    finally:
        _counted.reset(token)
    # Stable: within "urgent" and "not urgent" the sources' order stands.
    return sorted(items, key=lambda item: not item.urgent)


def desk_for(user: AnyUser) -> list[DeskItem]:
    """The user's desk, from the cache while nothing has been written since it was read."""
    if not getattr(user, "is_authenticated", False):
        return []
    key = f"desk:{user.pk}:{data_version()}:{timezone.localdate().isoformat()}"
    items: list[DeskItem] | None = cache.get(key)
    if items is None:
        items = collect(user)
        cache.set(key, items, TTL_SECONDS)
    return items


def counts_by_group(user: AnyUser) -> dict[str, int]:
    """Menu group label → the number of things waiting in it."""
    totals: dict[str, int] = {}
    for item in desk_for(user):
        if item.group:
            totals[item.group] = totals.get(item.group, 0) + item.count
    return totals
