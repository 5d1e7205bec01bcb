"""Admin center → Partner relationships. Thin: resolve the partner in the customer's scope, validate,
call one service, redirect with a message; a refusal is shown beside its field."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from customers.admin_center import selectors, services
from customers.admin_center.forms import DapReassignForm, DapRemoveForm
from customers.models import Service
from partnercenter import errors
from partnercenter.clientip import client_ip
from partnercenter.errors import DomainError
from partnercenter.models import Tenant, TenantKind
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm


def _services_text(codes: list[str]) -> str:
    return ", ".join(str(Service(code).label) for code in codes)


@tenant_view(Perm.ADMIN_CENTER_VIEW, kind=TenantKind.CUSTOMER)
def admin_center_home(request: HttpRequest) -> HttpResponse:
    """Each partner with its reseller relationship and admin permissions; a User sees it read-only."""
    items = selectors.partner_relationships(customer=request.tenant)  # type: ignore[attr-defined]
    resellers = sum(1 for item in items if item.is_reseller)
    return render(request, "customers/admin_center_home.html", {
        "items": items, "can_manage": request.tenancy.has(Perm.ADMIN_PERMISSIONS_MANAGE),  # type: ignore[attr-defined]
        "resellers": resellers,
        "can_gdap": request.tenancy.has(Perm.GDAP_APPROVE),  # type: ignore[attr-defined]
        "gdap_partners": [item for item in items if item.gdap],
    })


def _dap_page(request: HttpRequest, partner_id: str) -> tuple[Tenant, Tenant, list[str]]:
    """The customer, the partner (a 404 outside the customer's scope, before any role check) and the
    services it holds. Only who may act opens these pages: a customer User gets 403 on GET and POST."""
    customer = request.tenant  # type: ignore[attr-defined]
    partner = selectors.known_partner(customer=customer, partner_id=partner_id)
    if not request.tenancy.has(Perm.ADMIN_PERMISSIONS_MANAGE):  # type: ignore[attr-defined]
        raise PermissionDenied
    held = selectors.dap_services_held(customer=customer, partner=partner)
    return customer, partner, held


@tenant_view(Perm.ADMIN_CENTER_VIEW, kind=TenantKind.CUSTOMER)
def dap_remove(request: HttpRequest, partner_id: str) -> HttpResponse:
    customer, partner, held = _dap_page(request, partner_id)
    status = 200
    if request.method == "POST":
        form = DapRemoveForm(request.POST)
        if form.is_valid():
            try:
                removed = services.dap_remove(customer=customer, partner=partner,
                                              services=form.cleaned_data["services"],
                                              actor=request.user, ip=client_ip(request))  # type: ignore[arg-type]
            except DomainError as exc:
                status = errors.show(request, exc, form)
                held = selectors.dap_services_held(customer=customer, partner=partner)
            else:
                messages.success(request, _("%(partner)s no longer holds admin permissions for %(services)s. It "
                                            "stays your reseller.") % {"partner": partner.name,
                                                                       "services": _services_text(removed)})
                return redirect("admin_center_home")
        else:
            status = 400
    else:
        form = DapRemoveForm(initial={"services": held})
    return render(request, "customers/admin_center_dap_remove.html",
                  {"form": form, "partner": partner, "held": _choices(held), "chosen": _chosen(form, held)},
                  status=status)


@tenant_view(Perm.ADMIN_CENTER_VIEW, kind=TenantKind.CUSTOMER)
def dap_reassign(request: HttpRequest, partner_id: str) -> HttpResponse:
    customer, partner, held = _dap_page(request, partner_id)
    candidates = selectors.reassign_candidates(customer=customer, partner=partner)
    status = 200
    if request.method == "POST":
        form = DapReassignForm(request.POST)
        if form.is_valid():
            new_partner = selectors.known_partner(customer=customer, partner_id=form.cleaned_data["new_partner"])
            try:
                moved = services.dap_reassign(customer=customer, partner=partner, new_partner=new_partner,
                                              services=form.cleaned_data["services"],
                                              actor=request.user, ip=client_ip(request))  # type: ignore[arg-type]
            except DomainError as exc:
                status = errors.show(request, exc, form)
                held = selectors.dap_services_held(customer=customer, partner=partner)
                candidates = selectors.reassign_candidates(customer=customer, partner=partner)
            else:
                messages.success(request, _("%(new)s now holds admin permissions for %(services)s instead of "
                                            "%(partner)s.") % {"new": new_partner.name, "partner": partner.name,
                                                               "services": _services_text(moved)})
                return redirect("admin_center_home")
        else:
            status = 400
    else:
        form = DapReassignForm(initial={"services": held})
    return render(request, "customers/admin_center_dap_reassign.html", {
        "form": form, "partner": partner, "held": _choices(held), "chosen": _chosen(form, held),
        "candidates": candidates, "chosen_partner": _chosen_partner(form),
    }, status=status)


def _choices(held: list[str]) -> list[tuple[str, str]]:
    return [(code, str(Service(code).label)) for code in held]


def _chosen(form: DapRemoveForm, held: list[str]) -> set[str]:
    """What stays ticked: the posted choice after an error (kept as typed), all held services at first."""
    if form.is_bound:
        return set(form.data.getlist("services"))
    return set(held)


def _chosen_partner(form: DapRemoveForm) -> str:
    return str(form.data.get("new_partner", "")) if form.is_bound else ""

