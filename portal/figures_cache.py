"""Compute once: figures that change only when data changes, kept until the next write.

Every write of business data appends an audit event (`portal.audit`; enforced by
tests/security/test_audit_coverage.py) and every append bumps one number, the data version. A
figure cached under that version — ranks, target progress, the criteria table, completeness —
is therefore never stale: the request after any write reads it afresh, and every request until
the next write reads it from the cache (Redis in production, so all web hosts share it; local
memory in the demo). The day is part of nothing here: figures that depend on today's date put
the date in their own key parts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.dispatch import receiver
from django.utils import timezone

from .audit import appended

VERSION_KEY = "desk:version"
#: How long a figure stays when nothing is written (a safety net, not the mechanism).
TTL_SECONDS = 60 * 60

T = TypeVar("T")
_MISSING = object()


def data_version() -> int:
    """A number that changes with every write of business data (what a cached read keys on)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY, 1)
    return int(version)


def bump() -> None:
    """Something changed: every cached figure and desk is read afresh on its next page."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates the old keys
        cache.set(VERSION_KEY, int(timezone.now().timestamp() * 1000), None)


@receiver(appended, dispatch_uid="desk-bump-on-audit")
def _bump_on_audit(sender: Any, events: Any, **kwargs: Any) -> None:
    bump()


def cached_figure(name: str, *parts: object, compute: Callable[[], T], ttl: int = TTL_SECONDS) -> T:
    """`compute()` once per data version and key parts (campaign, year, cluster, scope…).

    The parts must name everything the result depends on besides the data — in particular the
    reader's scope when the figure is scoped — since the cache is shared by every user.
    """
    raw = ":".join(str(part) for part in parts)
    digest = hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()
    key = f"fig:{name}:{data_version()}:{digest}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, ttl)
    return cast(T, value)
