"""Invitation tokens: 256 random bits, only the SHA-256 digest is stored, looked up by digest."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


@dataclass(frozen=True)
class NewToken:
    raw: str
    digest: str
    last4: str


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_new() -> NewToken:
    raw = secrets.token_urlsafe(32)
    return NewToken(raw=raw, digest=token_digest(raw), last4=raw[-4:])


def link_expiry() -> datetime:
    """When a link issued now stops working (relationship and partnership requests alike)."""
    return timezone.now() + timedelta(days=settings.INVITATION_EXPIRY_DAYS)


def token_reissue(request: Any) -> tuple[NewToken, str]:
    """Give a (locked) request a new link with a fresh expiry; the old link stops working at once.
    Returns the new token and the last four characters of the old one, for the activity log. The
    caller saves the request."""
    token = token_new()
    old_last4 = request.token_last4
    request.token_digest, request.token_last4 = token.digest, token.last4
    request.expires_at = link_expiry()
    return token, old_last4


def token_well_formed(raw: str) -> bool:
    return bool(TOKEN_PATTERN.match(raw or ""))


def email_normalize(value: str) -> str:
    """Compare addresses after NFKC + casefold, so 'MIKE@' matches 'mike@' but 'mıke@' does not; an
    international domain part in punycode, as addresses are stored (chef@kávé.example and
    chef@xn--kv-mia7a.example are one address)."""
    from partnercenter.domains import email_to_ascii

    return email_to_ascii(unicodedata.normalize("NFKC", (value or "").strip()).casefold())
