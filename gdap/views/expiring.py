"""Partner: "Expiring admin relationships" — every GDAP relationship of the partner that ends within 30
days, sortable, 50 a page, each with "Request a new relationship from this one"."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

from gdap.routes import customer_page_url, request_from_url
from gdap.selectors import expiring_within
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm

WINDOW_DAYS = 30
PAGE_SIZE = 50
# sort parameter → ordering; every ordering ends with the primary key, so pages never overlap.
SORTS = {
    "end": ("end_at", "pk"),
    "-end": ("-end_at", "-pk"),
    "customer": ("customer__name", "end_at", "pk"),
    "-customer": ("-customer__name", "end_at", "pk"),
    "name": ("display_name", "pk"),
    "-name": ("-display_name", "-pk"),
}
DEFAULT_SORT = "end"


def ends_in(end_at: datetime, now: datetime) -> str:
    """"in 5 days", "in 3 hours": days (to the nearest) from a day on, else hours (rounded up, at least 1)."""
    left = end_at - now
    if left >= timedelta(days=1):
        days = math.floor(left / timedelta(days=1) + 0.5)
        return ngettext("in %(count)s day", "in %(count)s days", days) % {"count": days}
    hours = max(1, math.ceil(left.total_seconds() / 3600))
    return ngettext("in %(count)s hour", "in %(count)s hours", hours) % {"count": hours}


@tenant_view(Perm.GDAP_VIEW)
def expiring_list(request: HttpRequest) -> HttpResponse:
    partner = request.tenant  # type: ignore[attr-defined]
    sort = request.GET.get("sort") or DEFAULT_SORT
    if sort not in SORTS:
        sort = DEFAULT_SORT
    now = timezone.now()
    qs = expiring_within(partner=partner, days=WINDOW_DAYS, now=now).order_by(*SORTS[sort])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page") or 1)
    rows = []
    for rel in page.object_list:
        rows.append({
            "rel": rel,
            "role_count": len(rel.roles.all()),  # prefetched: one query for the page
            "ends_in": ends_in(rel.end_at, now),
            "customer_url": customer_page_url(rel.customer_id) if rel.customer_id else None,
            "request_url": request_from_url(rel.pk),
        })
    return render(request, "gdap/expiring.html", {
        "page": page, "rows": rows, "sort": sort, "window_days": WINDOW_DAYS,
        "may_request": request.tenancy.has(Perm.GDAP_MANAGE),  # type: ignore[attr-defined]
    })
