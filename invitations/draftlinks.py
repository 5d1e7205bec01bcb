"""The raw link of a draft between the POST that made it and the GET that shows it (POST, redirect,
GET: refreshing the draft page shows the same draft and creates nothing).

The database keeps only a link's digest. The raw link waits in the creator's own session until it is
sent or the session ends: whoever holds that session could issue a new link with Resend anyway, so
this gives nobody more than they have."""

from __future__ import annotations

from django.http import HttpRequest

from links.tokens import token_digest

SESSION_KEY = "draft_links"
KEEP = 20  # the newest drafts of a session; older ones are opened again with Resend


def draft_link_keep(request: HttpRequest, kind: str, object_id: int, raw_token: str) -> None:
    links = dict(request.session.get(SESSION_KEY) or {})
    links.pop(f"{kind}:{object_id}", None)
    links[f"{kind}:{object_id}"] = raw_token
    request.session[SESSION_KEY] = dict(list(links.items())[-KEEP:])


def draft_link_get(request: HttpRequest, kind: str, object_id: int, digest: str) -> str | None:
    """The kept raw link if it is still the object's current one (a Resend elsewhere replaces it)."""
    raw = (request.session.get(SESSION_KEY) or {}).get(f"{kind}:{object_id}")
    return raw if isinstance(raw, str) and token_digest(raw) == digest else None


def draft_link_drop(request: HttpRequest, kind: str, object_id: int) -> None:
    links = dict(request.session.get(SESSION_KEY) or {})
    if links.pop(f"{kind}:{object_id}", None) is not None:
        request.session[SESSION_KEY] = links
