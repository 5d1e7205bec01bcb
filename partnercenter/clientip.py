"""The client's address: the socket's, or — behind a reverse proxy configured as trusted — the one
that proxy saw. One function for the activity log, allauth's sign-in limits and the portal's own
limits (link look-ups, the customer sign-up form)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """Without TRUSTED_PROXIES or PROXY_COUNT: REMOTE_ADDR, whatever X-Forwarded-For says (anybody
    can send that header). With TRUSTED_PROXIES (addresses or networks of your proxies): when the
    socket peer is one of them, the right-most X-Forwarded-For entry that is not a trusted proxy.
    With PROXY_COUNT=N (exactly N proxies in front, each appending to X-Forwarded-For): the N-th
    entry from the right. Entries left of the chosen one are the client's own claims and ignored."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    proxies = _networks(tuple(settings.TRUSTED_PROXIES))
    count = settings.PROXY_COUNT
    if not (proxies or count):
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies:
        # No socket address (a Unix socket): only a local proxy can be the peer.
        if remote is not None and not _trusted(remote, proxies):
            return remote  # a request that did not come through our proxy: its own address counts
        for part in reversed(forwarded):
            address = _address(part)
            if address is None:
                return remote  # a malformed hop: fall back to what we know, never to a claim
            if not _trusted(address, proxies):
                return address
        return remote
    if len(forwarded) < count:
        return remote
    return _address(forwarded[-count]) or remote
