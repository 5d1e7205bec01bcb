"""Where a webhook may point: no server-side request forgery.

A URL is https (plain http only to loopback with WEBHOOKS_ALLOW_LOOPBACK), has a host and no user
name or password, and every address its host resolves to is a public unicast one: not loopback
(unless the setting allows it), private, shared (100.64/10), link-local, multicast, reserved,
unspecified, documentation or a cloud metadata address (169.254.169.254, fd00:ec2::254), IPv4-mapped
and NAT64 forms included. One bad address in the DNS answer refuses the whole host (an attacker mixes
a public and a private answer). The check runs at registration and again at every delivery, which
then connects to the address it checked (webhooks.http)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from partnercenter.errors import Invalid

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
            ipaddress.ip_address("100.100.100.200")}
NAT64 = ipaddress.ip_network("64:ff9b::/96")
MAX_URL = 2000


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written (the TLS server name and Host header)
    port: int
    path: str  # path and query
    addresses: tuple[str, ...]  # the checked addresses, to connect to


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


# Tests replace this (monkeypatch) to answer like a DNS server would.
resolver: Callable[[str, int], list[str]] = _resolve


def address_refusal(address: IPAddress, *, allow_loopback: bool) -> str | None:
    """Why `address` may not be a webhook target, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address_refusal(address.ipv4_mapped, allow_loopback=allow_loopback)
        if address in NAT64:
            return address_refusal(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF), allow_loopback=allow_loopback)
    if address in METADATA:
        return "metadata"
    if address.is_loopback:
        return None if allow_loopback else "loopback"
    for name in ("is_multicast", "is_link_local", "is_unspecified", "is_reserved", "is_private"):
        if getattr(address, name):
            return name.removeprefix("is_")
    if not address.is_global:
        return "not_global"
    return None


def _refused(reason: str) -> Invalid:
    messages = {
        "scheme": _("The webhook URL must start with https://."),
        "host": _("Enter a complete URL with a host name, like https://hooks.example.com/partner-center."),
        "credentials": _("The webhook URL may not contain a user name or password."),
        "length": _("The webhook URL is too long (at most 2000 characters)."),
        "dns": _("The host of the webhook URL could not be resolved."),
        "address": _("The webhook URL points to a private, loopback, link-local or reserved address; "
                     "webhooks are sent only to public addresses."),
    }
    return Invalid(messages[reason], field="url")


def target_check(url: str, *, allow_loopback: bool | None = None) -> Target:
    """The checked target of `url`, or Invalid (field "url") saying what is wrong."""
    allow = settings.WEBHOOKS_ALLOW_LOOPBACK if allow_loopback is None else allow_loopback
    url = (url or "").strip()
    if len(url) > MAX_URL:
        raise _refused("length")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refused("host") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or (scheme == "http" and not allow):
        raise _refused("scheme")
    if parts.username is not None or parts.password is not None:
        raise _refused("credentials")
    host = (parts.hostname or "").rstrip(".")
    if not host or any(c.isspace() for c in url):
        raise _refused("host")
    port = port or (443 if scheme == "https" else 80)
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        found = [str(literal)]
    else:
        try:
            found = resolver(host.encode("idna").decode("ascii"), port)
        except (OSError, UnicodeError):
            raise _refused("dns") from None
    if not found:
        raise _refused("dns")
    addresses = [ipaddress.ip_address(a.split("%")[0]) for a in found]
    if any(address_refusal(a, allow_loopback=allow) for a in addresses):
        raise _refused("address")
    if scheme == "http" and not all(a.is_loopback for a in addresses):
        raise _refused("scheme")  # plain http only ever to this machine, and only with the setting
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme, host, port, path, tuple(str(a) for a in addresses))
