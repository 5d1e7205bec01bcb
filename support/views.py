"""Service management (F13): a customer's services and what the partner — and the signed-in user — may do
for it now, each allowed action leading to its page. The guard (support/onbehalf.py) already answered
404 for another partner's customer and "Admin permissions needed" when services.read is not allowed."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from gdap import access
from partnercenter.roles import Perm
from support.onbehalf import on_behalf_view
from support.selectors import service_overview


@on_behalf_view(Perm.SERVICES_VIEW, access.SERVICES_READ)
@require_safe
def services(request: HttpRequest, customer_id: Any) -> HttpResponse:
    customer = request.on_behalf.customer  # type: ignore[attr-defined]
    overview = service_overview(user=request.user, partner=request.tenant, customer=customer)  # type: ignore[attr-defined]
    tenancy = request.tenancy  # type: ignore[attr-defined]
    return render(request, "support/services.html", {
        "customer": customer, "overview": overview,
        "may_view_gdap": tenancy.has(Perm.GDAP_VIEW), "may_request": tenancy.has(Perm.GDAP_MANAGE),
        "may_manage_groups": tenancy.has(Perm.SECURITY_GROUPS_MANAGE),
    })
