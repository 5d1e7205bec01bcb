"""The directory's input rules, shared by its forms and its services (one wording for both)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

URL_MAX = 500
NAME_MAX = 200
REASON_MAX = 1000


def target_url_error(value: str) -> object | None:
    """Why this target URL is refused (None when it is fine): https only, a host, no credentials."""
    text = (value or "").strip()
    if not text:
        return _("Enter the target URL for this location.")
    if len(text) > URL_MAX:
        return _("A target URL may be at most %(max)s characters.") % {"max": URL_MAX}
    try:
        parts = urlsplit(text)
        port = parts.port  # raises on a malformed port
    except ValueError:
        return _("Enter a valid URL.")
    del port
    if parts.scheme.lower() != "https":
        return _("Target URLs must start with https://.")
    if not parts.hostname or "." not in parts.hostname or parts.username or parts.password:
        return _("Enter a valid https URL with a host name (and no user name or password in it).")
    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        return _("Enter a valid URL.")
    return None
