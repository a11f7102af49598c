"""Small helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model

T = TypeVar("T")


M = TypeVar("M", bound=Model)


def upsert(model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[M, bool]:
    """Create the row matched by `lookup`, or update it only where `values` differ.

    Unlike update_or_create, an unchanged row is not saved again, so re-running a loader leaves
    no spurious history. Returns (row, changed)."""
    row = model._default_manager.filter(**lookup).first()
    if row is None:
        return model._default_manager.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, values[name])
        row.save(update_fields=changed)
    return row, bool(changed)


def outside_event_loop(call: Callable[[], T]) -> T:
    """Run `call()` where pyHanko's own `asyncio.run` can work: pyHanko's synchronous API starts
    an event loop, which fails inside a thread that already runs one (an ASGI server, a test
    driving a browser). There, run it in a short-lived worker thread instead."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()
