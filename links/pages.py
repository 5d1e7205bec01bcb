"""What the page of every kind of tokenised link shares (relationship and partnership requests, GDAP
approvals, partner-user invitations): the one not-found answer, with rate-limited look-ups."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from partnercenter import ratelimit


def not_found(request: HttpRequest) -> HttpResponse:
    """One page for unknown, revoked, foreign and (to anyone but the rightful owner) used links. Each one
    counts against the client address's limit of not-found look-ups."""
    if not ratelimit.hit(request, ratelimit.LINK_PROBE):
        return ratelimit.too_many_requests(request)
    return render(request, "links/not_found.html", status=404)


def link_probe_blocked(request: HttpRequest) -> bool:
    """Once an address used up its not-found look-ups, every link look-up of it answers 429: found
    links too, or the 429 itself would tell which tokens exist."""
    return ratelimit.exhausted(request, ratelimit.LINK_PROBE)
