"""Admin center → Licenses (customer side, read-only): the organisation's subscriptions with purchased
and assigned seats, and who holds them. Global admins only (Perm.LICENSES_CUSTOMER_VIEW)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from licenses import selectors
from partnercenter.models import TenantKind
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm


@tenant_view(Perm.LICENSES_CUSTOMER_VIEW, kind=TenantKind.CUSTOMER)
@require_http_methods(["GET", "HEAD"])
def admin_center_licenses(request: HttpRequest) -> HttpResponse:
    rows = selectors.seats_of_organisation(customer=request.tenant)  # type: ignore[attr-defined]
    return render(request, "licenses/admin_center.html", {"rows": rows})


@tenant_view(Perm.LICENSES_CUSTOMER_VIEW, kind=TenantKind.CUSTOMER)
def admin_center_subscription(request: HttpRequest, subscription_id: str) -> HttpResponse:
    customer = request.tenant  # type: ignore[attr-defined]
    seats = selectors.seats_of_organisation_subscription(customer=customer, subscription_id=subscription_id)
    if request.method not in ("GET", "HEAD"):  # after the lookup: another organisation's id is a 404
        return HttpResponseNotAllowed(["GET", "HEAD"])
    search = (request.GET.get("q") or "").strip()[:100]
    page = Paginator(selectors.holders(tenant=customer, subscription=seats.subscription, search=search),
                     selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "licenses/admin_center_subscription.html", {
        "seats": seats, "subscription": seats.subscription, "page": page, "search": search})
