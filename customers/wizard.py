"""Views of the Add customer wizard: Account info → Subscriptions → Review → Confirmation.

What was entered lives in the session until Submit or Cancel, so Back and the browser's back button
keep it; nothing touches the database before Submit, and Submit creates everything at once."""

from __future__ import annotations

import uuid
from datetime import date

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_countries import countries

from customers.forms import AccountInfoForm
from customers.onboarding import (
    NewCustomer,
    admin_sign_in_for,
    customer_add,
    dap_granted_on_add,
    new_customer_checks,
)
from partnercenter import errors
from partnercenter.domains import normalize_domain
from partnercenter.errors import DomainError
from partnercenter.forms import quantity_message
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm
from resellers.selectors import as_provider, is_partnered_reseller, partnered_reseller_or_none
from subscriptions.selectors import offers_search
from subscriptions.services import Line

SESSION_KEY = "add_customer_wizard"


def _state(request: HttpRequest) -> dict:
    state = request.session.get(SESSION_KEY)
    partner_id = str(request.tenant.id)  # type: ignore[attr-defined]
    if not isinstance(state, dict) or state.get("partner") != partner_id:
        state = {"partner": partner_id, "key": uuid.uuid4().hex, "account": {}, "lines": {}}
    return state


def _save(request: HttpRequest, state: dict) -> None:
    request.session[SESSION_KEY] = state
    request.session.modified = True


def _new_customer(state: dict) -> NewCustomer:
    account = state["account"]
    return NewCustomer(
        company_name=account["company_name"], primary_domain=account["primary_domain"], country=account["country"],
        address_line1=account.get("address_line1", ""), city=account.get("city", ""),
        postal_code=account.get("postal_code", ""), contact_first_name=account.get("contact_first_name", ""),
        contact_last_name=account.get("contact_last_name", ""), contact_email=account.get("contact_email", ""),
        contact_phone=account.get("contact_phone", ""), signer_name=account.get("signer_name", ""),
        signer_email=account.get("signer_email", ""),
        accepted_on=date.fromisoformat(account["accepted_on"]) if account.get("accepted_on") else None,
        reseller_id=account.get("reseller", ""),
        lines=[Line(offer_id=int(k), quantity=v) for k, v in state["lines"].items() if v],
    )


@tenant_view(Perm.CUSTOMERS_ADD)
def account_info(request: HttpRequest) -> HttpResponse:
    partner = request.tenant  # type: ignore[attr-defined]
    provider = as_provider(partner)
    state = _state(request)
    if request.method == "GET" and "reseller" in request.GET and provider is not None:
        # "Add new customer" on a reseller's row: that reseller preselected (only a partnered one).
        wanted = request.GET["reseller"][:64]
        if is_partnered_reseller(provider=provider, reseller_id=wanted):
            state["account"]["reseller"] = wanted
            _save(request, state)
    form = AccountInfoForm(request.POST if request.method == "POST" else None, provider=provider,
                           initial=state["account"])
    if request.method == "POST":
        form.is_valid()
        cleaned = dict(form.cleaned_data)
        # The product's rules (domain taken, region, reseller) speak in the same round as the form's
        # own checks, for every field that is valid so far.
        probe = NewCustomer(company_name=cleaned.get("company_name", ""),
                            primary_domain=cleaned.get("primary_domain", ""),
                            country=str(cleaned.get("country") or ""), reseller_id=cleaned.get("reseller") or "")
        for field, error in new_customer_checks(partner=partner, data=probe).items():
            if field in cleaned:
                form.add_error(field if field in form.fields else None, error.message)
        if form.is_valid():
            data = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in form.cleaned_data.items()}
            state["account"] = {k: str(v) if v is not None else "" for k, v in data.items()}
            _save(request, state)
            return redirect("customers:add_subscriptions")
    return render(request, "customers/add/account.html", {"form": form, "step": 1},
                  status=400 if request.method == "POST" else 200)


@tenant_view(Perm.CUSTOMERS_ADD)
def subscriptions_step(request: HttpRequest) -> HttpResponse:
    state = _state(request)
    if not state["account"]:
        return redirect("customers:add")
    offers = offers_search(country=state["account"]["country"])
    line_errors: dict[int, str] = {}
    values = {o.id: str(state["lines"].get(str(o.id), "") or "") for o in offers}
    if request.method == "POST":
        lines = {}
        for offer in offers:
            raw = (request.POST.get(f"qty_{offer.id}") or "").strip()[:12]
            values[offer.id] = raw
            if not raw or raw == "0":
                continue
            if not (raw.isascii() and raw.isdigit()) or not offer.min_quantity <= int(raw) <= offer.max_quantity:
                line_errors[offer.id] = quantity_message(offer.min_quantity, offer.max_quantity)
                continue
            lines[str(offer.id)] = int(raw)
        if request.POST.get("back"):
            # Going back never blocks: keep the valid quantities, the others are asked for again later.
            state["lines"] = lines
            _save(request, state)
            return redirect("customers:add")
        if not line_errors:
            state["lines"] = lines
            _save(request, state)
            return redirect("customers:add_review")
    rows = [(offer, values[offer.id], line_errors.get(offer.id)) for offer in offers]
    return render(request, "customers/add/subscriptions.html", {"rows": rows, "step": 2},
                  status=400 if line_errors else 200)


@tenant_view(Perm.CUSTOMERS_ADD)
def review(request: HttpRequest) -> HttpResponse:
    partner = request.tenant  # type: ignore[attr-defined]
    state = _state(request)
    if not state["account"]:
        return redirect("customers:add")
    data = _new_customer(state)
    if request.method == "POST":
        # One submit per wizard, even from two tabs or a double click: the second one must not end on
        # a "domain taken" error while the first one's password page is lost.
        if not cache.add(f"add-customer-submit:{state['key']}", 1, timeout=3600):
            messages.info(request, _("This customer is being added or was added already; find it in Customers."))
            return redirect("customers:list")
        try:
            created = customer_add(partner=partner, actor=request.user, data=data,  # type: ignore[arg-type]
                                   idempotency_key=state["key"])
        except DomainError as exc:
            cache.delete(f"add-customer-submit:{state['key']}")
            errors.show(request, exc)
            target = {"lines": "customers:add_subscriptions", None: "customers:add_review"}.get(exc.field, "customers:add")
            return redirect(target)
        request.session.pop(SESSION_KEY, None)
        # The temporary password exists only in this response: it is never stored unhashed, and the
        # page must not come back from a cache or the back button.
        response = render(request, "customers/add/done.html", {"created": created, "step": 4})
        add_never_cache_headers(response)
        return response
    offers = {o.id: o for o in offers_search(country=data.country)}
    lines = [(offers[line.offer_id], line.quantity) for line in data.lines if line.offer_id in offers]
    reseller = partnered_reseller_or_none(provider=partner, reseller_id=data.reseller_id)
    domain = normalize_domain(data.primary_domain)
    return render(request, "customers/add/review.html", {
        "data": data, "lines": lines, "reseller": reseller, "step": 3,
        "grants_dap": dap_granted_on_add(actor=request.user, partner=partner),  # type: ignore[arg-type]
        "dap_to": reseller or partner,
        "admin_email": admin_sign_in_for(domain), "country": countries.name(data.country) or data.country,
    })


@tenant_view(Perm.CUSTOMERS_ADD)
@require_POST
def cancel(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    messages.info(request, _("Adding the customer was cancelled. Nothing was saved."))
    return redirect("customers:list")
