"""What every relationship or partnership link page shares: the one not-found answer (rate-limited
look-ups), the customer tenant of the visitor and the name of the portal the customer knows."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from customers.rules import in_us_government_cloud
from invitations.models import RelationshipRequest
from partnercenter import ratelimit
from partnercenter.models import Tenant, TenantKind


def not_found(request: HttpRequest) -> HttpResponse:
    """One page for unknown, revoked, foreign and (to anyone but the rightful customer) used links.
    Each one counts against the client address's limit of not-found look-ups."""
    if not ratelimit.hit(request, ratelimit.LINK_PROBE):
        return ratelimit.too_many_requests(request)
    return render(request, "invitations/not_found.html", status=404)


def link_probe_blocked(request: HttpRequest) -> bool:
    """Once an address used up its not-found look-ups, every link look-up of it answers 429: found
    links too, or the 429 itself would tell which tokens exist."""
    return ratelimit.exhausted(request, ratelimit.LINK_PROBE)


def customer_tenant(request: HttpRequest) -> Tenant | None:
    """The visitor's active tenant when it is a customer organisation (a partner account answers nothing)."""
    tenant = getattr(request, "tenant", None)
    return tenant if tenant is not None and tenant.kind == TenantKind.CUSTOMER else None


def portal_name(rel_request: RelationshipRequest) -> str:
    """Where the customer answers: the US Government cloud calls the Admin center the Office admin portal."""
    return _("Office admin portal") if in_us_government_cloud(rel_request.partner) else _("Admin center")
