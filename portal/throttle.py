"""How often one address may use a public page (docs/security.md, "The public pages").

A counter per (page, client address) in the `throttle` cache (Redis in production, so every web
host counts together; local memory in the demo and the tests). The first request opens a window
of `seconds`; within it at most `count` requests pass, the next are refused with 429 and the time
the window ends. The client address is `portal.net.client_ip`: behind the load balancer, the
client's own address, not the balancer's.

The rates are settings (`THROTTLE_VERIFY`, `THROTTLE_COMMENT`: "count/seconds").
"""

from __future__ import annotations

import datetime
import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .middleware import current_request_id
from .net import client_ip

CACHE_ALIAS = "throttle"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """ "20/60" → 20 requests per 60 seconds."""
        try:
            count, seconds = (int(part) for part in text.split("/"))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"Tần suất “{text}” không hợp lệ: ghi dạng số_lần/số_giây, ví dụ 20/60."
            ) from exc
        if count < 1 or seconds < 1:
            raise ImproperlyConfigured(f"Tần suất “{text}” phải có số lần và số giây lớn hơn 0.")
        return cls(count, seconds)


def _cache() -> BaseCache:
    return caches[CACHE_ALIAS]


def bucket(address: str) -> str:
    """What one client is counted as: its IPv4 address, or its IPv6 /64 (one household or
    office line gets a whole /64, so counting single IPv6 addresses would count nothing)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def hit(scope: str, request: HttpRequest, rate: Rate) -> float | None:
    """Counts one request of this client for `scope`. None when it may go on; otherwise the
    seconds until the window ends (the request must then be refused). When the cache cannot be
    reached (Redis down) the request goes on: the page works, uncounted, and a warning is logged."""
    try:
        return _count(scope, request, rate)
    except Exception:  # the cache backend's own errors (redis.ConnectionError, …)
        logger.warning("throttle %s: cache unavailable, request not counted", scope, exc_info=True)
        return None


def _count(scope: str, request: HttpRequest, rate: Rate) -> float | None:
    cache = _cache()
    key = f"{scope}:{bucket(client_ip(request))}"
    now = time.time()
    if cache.add(f"{key}:n", 1, timeout=rate.seconds):
        cache.set(f"{key}:until", now + rate.seconds, timeout=rate.seconds)
        return None
    try:
        count = cache.incr(f"{key}:n")
    except ValueError:  # the window ended between add and incr: this request opens a new one
        cache.set(f"{key}:n", 1, timeout=rate.seconds)
        cache.set(f"{key}:until", now + rate.seconds, timeout=rate.seconds)
        return None
    if count <= rate.count:
        return None
    until = cache.get(f"{key}:until") or now + rate.seconds
    return max(until - now, 1.0)


def too_many(request: HttpRequest, what: str, retry_after: float) -> HttpResponse:
    """The 429 page: what was refused, and when to try again (also as `Retry-After`)."""
    seconds = math.ceil(retry_after)
    at = timezone.localtime() + datetime.timedelta(seconds=seconds)
    wait = f"{seconds} giây" if seconds < 60 else f"{math.ceil(seconds / 60)} phút"
    response = render(
        request,
        "error.html",
        {
            "status": 429,
            "title": "Quá nhiều yêu cầu",
            "text": f"{what} Vui lòng thử lại sau {wait} (sau {at:%H:%M} ngày {at:%d/%m/%Y}).",
            "request_id": current_request_id(),
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def verify_rate() -> Rate:
    return Rate.parse(settings.THROTTLE_VERIFY)


def comment_rate() -> Rate:
    return Rate.parse(settings.THROTTLE_COMMENT)
