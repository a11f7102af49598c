"""The client's address, behind the load balancer or not (docs/deployment.md, "Load balancer").

Behind a proxy every request arrives from the proxy's address (REMOTE_ADDR); the client's own is
in `X-Forwarded-For`, which each proxy appends to. That header is the client's to write, too: a
client can send any list of addresses, and a proxy only adds the address it saw at the end. So
the header is read only when REMOTE_ADDR is one of `settings.TRUSTED_PROXIES`, and then from the
right: the first address that is not a trusted proxy is the client (whatever the client wrote
further left is ignored). Without trusted proxies, REMOTE_ADDR is the client.

Used by django-axes (`AXES_CLIENT_IP_CALLABLE`: the sign-in lock per user and address) and by
the throttles of the public pages (`portal.throttle`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """`("10.0.0.0/8", "192.0.2.7")` → networks; a single address is a /32 (or /128)."""
    networks = []
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: “{entry}” không phải địa chỉ IP hoặc dải địa chỉ (CIDR) hợp lệ."
            ) from exc
    return tuple(networks)


def _address(text: str) -> Address | None:
    text = text.strip()
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket (::ffff:203.0.113.5) is that IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address | None, networks: Iterable[Network]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent the request, as a string ("" when unknown)."""
    remote_text = request.META.get("REMOTE_ADDR", "") or ""
    remote = _address(remote_text)
    networks = parse_networks(tuple(settings.TRUSTED_PROXIES))
    if not _trusted(remote, networks):
        return str(remote) if remote is not None else remote_text
    nearest = remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Not an address: nothing to the left of it can be believed. The proxy that
            # forwarded it is the best we know.
            break
        if not _trusted(address, networks):
            return str(address)
        nearest = address
    return str(nearest)
