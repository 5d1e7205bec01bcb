"""Domain names: IDN accepted, stored as lower-case punycode, shown in Unicode."""

from __future__ import annotations

import re

import idna

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class InvalidDomain(ValueError):
    pass


def normalize_domain(value: str) -> str:
    """Return the ASCII (punycode) form of a domain, or raise InvalidDomain."""
    text = (value or "").strip().rstrip(".").lower()
    if not text or len(text) > 253 or any(ch.isspace() for ch in text) or "/" in text or "@" in text:
        raise InvalidDomain(text)
    try:
        ascii_form = idna.encode(text, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as exc:
        raise InvalidDomain(text) from exc
    labels = ascii_form.split(".")
    if len(labels) < 2 or len(ascii_form) > 253 or not all(_LABEL.match(label) for label in labels):
        raise InvalidDomain(text)
    if labels[-1].isdigit():
        raise InvalidDomain(text)
    return ascii_form


def domain_to_unicode(value: str) -> str:
    if "xn--" not in (value or "").lower():
        return value
    try:
        return idna.decode(value)
    except (idna.IDNAError, UnicodeError):
        return value


def email_to_unicode(value: str) -> str:
    """An address as a person reads it: the domain part in Unicode (the local part is as stored)."""
    local, at, domain = (value or "").rpartition("@")
    if not at:
        return value
    return f"{local}@{domain_to_unicode(domain)}"


def email_to_ascii(value: str) -> str:
    """An address as it is stored: a Unicode domain part in punycode (typed at sign-in, say)."""
    local, at, domain = (value or "").strip().rpartition("@")
    if not at or domain.isascii():
        return value
    try:
        return f"{local}@{idna.encode(domain.lower(), uts46=True).decode('ascii')}"
    except (idna.IDNAError, UnicodeError):
        return value


def to_unicode(value: object) -> str:
    """The one display rule for domains and email addresses (template filter `idn`)."""
    text = "" if value is None else str(value)
    return email_to_unicode(text) if "@" in text else domain_to_unicode(text)


def search_term_to_ascii(text: str) -> str | None:
    """The punycode form of a (partial) Unicode domain typed into a search box, or None."""
    value = (text or "").strip().lower()
    if not value or value.isascii():
        return None
    try:
        return idna.encode(value, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return None
