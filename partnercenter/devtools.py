"""The developer outbox is for the person at the machine running `make demo`, nobody else."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def is_loopback_client(request: HttpRequest) -> bool:
    """The socket's peer address (REMOTE_ADDR) is loopback. Forwarded headers are never consulted:
    anyone can send them, and a reverse proxy on the same machine would make every visitor loopback
    only through them."""
    try:
        address = ipaddress.ip_address((request.META.get("REMOTE_ADDR") or "").split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def dev_outbox_visible(request: HttpRequest) -> bool:
    return bool(settings.DEV_OUTBOX_ENABLED) and is_loopback_client(request)
