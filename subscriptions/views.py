"""Offer catalog, Add subscription, subscription details, orders, exports (F9) and the customer's
read-only view in the Admin center."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from customers.selectors import customer_for_partner
from partnercenter import errors
from partnercenter.csvexport import csv_response
from partnercenter.errors import DomainError, Invalid, Stale
from partnercenter.models import PartnerType, Tenant, TenantKind
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm
from resellers.selectors import as_provider, has_partnered_resellers
from subscriptions import selectors, services
from subscriptions.forms import AgreementForm, OrderForm, QuantityForm, SupportContactForm, VersionForm
from subscriptions.models import EventKind, Subscription, SubscriptionStatus


def _customer(request: HttpRequest, customer_id: object) -> Tenant:
    return customer_for_partner(partner=request.tenant, customer_id=customer_id).customer  # type: ignore[attr-defined]


@tenant_view(Perm.OFFERS_VIEW)
def offer_catalog(request: HttpRequest) -> HttpResponse:
    search = (request.GET.get("q") or "")[:100]
    offers = selectors.offers_search(search=search)
    return render(request, "subscriptions/offers.html", {"offers": offers, "search": search})


@tenant_view(Perm.SUBSCRIPTIONS_BUY)
def subscription_add(request: HttpRequest, customer_id: str) -> HttpResponse:
    partner = request.tenant  # type: ignore[attr-defined]
    customer = _customer(request, customer_id)
    offers = selectors.offers_search(country=str(customer.country))
    provider = as_provider(partner)  # None hides the Reseller (MPN ID) field
    blockers = services.purchase_blockers(partner=partner, customer=customer)
    data = request.POST if request.method == "POST" else None
    form = OrderForm(data, offers=offers, provider=provider, initial={"idempotency_key": uuid.uuid4().hex})
    status = 400 if data is not None else 200
    if data is not None and not form.is_valid() and "idempotency_key" in form.errors:
        # A tampered or truncated form: start it afresh with a new key, keep the quantities typed.
        data = data.copy()
        data["idempotency_key"] = uuid.uuid4().hex
        form = OrderForm(data, offers=offers, provider=provider)
        form.is_valid()
        form.add_error(None, _("The form expired. Check the quantities and submit again."))
    elif data is not None and form.is_valid():
        lines = [
            services.Line(offer_id=offer.id, quantity=form.cleaned_data.get(f"qty_{offer.id}") or 0)
            for offer in offers
        ]
        try:
            order, created = services.order_place(
                partner=partner, customer=customer, actor=request.user,  # type: ignore[arg-type]
                lines=lines, idempotency_key=form.cleaned_data["idempotency_key"],
                partner_of_record_id=form.cleaned_data.get("partner_of_record") or None,
            )
        except DomainError as exc:
            line_errors = getattr(exc, "line_errors", {})
            for offer_id, message in line_errors.items():  # beside each offer's quantity
                form.add_error(f"qty_{offer_id}", message)
            status = exc.status if line_errors else errors.show(request, exc, form)
        else:
            if created:
                messages.success(request, _("The order was placed."))
            else:
                messages.info(request, _("This order was placed already; it was not placed twice."))
            return redirect("subscriptions:order", customer_id=customer.id, order_id=order.id)
    return render(
        request,
        "subscriptions/add.html",
        {"customer": customer, "form": form, "blockers": blockers},
        status=status,
    )


@tenant_view(Perm.SUBSCRIPTIONS_VIEW)
def customer_subscriptions(request: HttpRequest, customer_id: str) -> HttpResponse:
    partner = request.tenant  # type: ignore[attr-defined]
    customer = _customer(request, customer_id)
    rows = list(selectors.subscriptions_of_customer(partner=partner, customer=customer))
    return render(request, "subscriptions/customer_list.html", {"customer": customer, "rows": rows})


def _detail_context(request: HttpRequest, subscription: Subscription, **forms: object) -> dict:
    partner = request.tenant  # type: ignore[attr-defined]
    # Only a provider with resellers has someone to name as the support contact.
    can_contact = partner.partner_type == PartnerType.INDIRECT_PROVIDER and has_partnered_resellers(provider=partner)
    version = {"version": subscription.version}
    context = {
        "subscription": subscription,
        "customer": subscription.customer,
        "events": selectors.subscription_events(tenant=partner, subscription=subscription),
        "quantity_form": QuantityForm(initial={"quantity": subscription.quantity, **version}, offer=subscription.offer),
        "contact_form": SupportContactForm(
            provider=partner, initial={"support_contact": str(subscription.support_contact_id or ""), **version},
        ) if can_contact else None,
        "version_form": VersionForm(initial=version),
        "may_manage": request.tenancy.has(Perm.SUBSCRIPTIONS_BUY),  # type: ignore[attr-defined]
        "can_contact": can_contact,
    }
    context.update(forms)
    return context


@tenant_view(get=Perm.SUBSCRIPTIONS_VIEW, post=Perm.SUBSCRIPTIONS_BUY)
def subscription_detail(request: HttpRequest, customer_id: str, subscription_id: str) -> HttpResponse:
    partner = request.tenant  # type: ignore[attr-defined]
    customer = _customer(request, customer_id)
    subscription = selectors.subscription_for_partner(partner=partner, customer=customer, subscription_id=subscription_id)
    if request.method != "POST":
        return render(request, "subscriptions/detail.html", _detail_context(request, subscription))
    action = request.POST.get("action", "")
    forms: dict = {}
    try:
        if action == "quantity":
            form = QuantityForm(request.POST, offer=subscription.offer)
            forms["quantity_form"] = form
            if not form.is_valid():
                raise Invalid(gettext_lazy("Correct the quantity."), field="quantity")
            services.subscription_quantity_change(
                subscription=subscription, actor=request.user,  # type: ignore[arg-type]
                quantity=form.cleaned_data["quantity"], version=form.cleaned_data["version"],
            )
            messages.success(request, _("The quantity was changed."))
        elif action == "support_contact":
            form = SupportContactForm(request.POST, provider=partner)
            forms["contact_form"] = form
            if not form.is_valid():
                raise Invalid(gettext_lazy("Choose a support contact from the list."), field="support_contact")
            services.subscription_support_contact_set(
                subscription=subscription, actor=request.user,  # type: ignore[arg-type]
                contact_id=form.cleaned_data["support_contact"] or None, version=form.cleaned_data["version"],
            )
            messages.success(request, _("The designated support contact was changed."))
        elif action in (EventKind.SUSPENDED, EventKind.REACTIVATED):
            form = VersionForm(request.POST)
            if not form.is_valid():
                raise Stale(gettext_lazy("The page is out of date. Reload it."))
            services.subscription_status_change(
                subscription=subscription, actor=request.user, change=action,  # type: ignore[arg-type]
                version=form.cleaned_data["version"],
            )
            messages.success(request, _("The subscription was suspended.") if action == EventKind.SUSPENDED
                             else _("The subscription was reactivated."))
        else:
            raise Invalid(gettext_lazy("Unknown change."))
    except services.SubscriptionConflict as exc:
        subscription.refresh_from_db()
        # The fresh values replace the stale form (none of its fields): the message says what happened.
        status = errors.show(request, exc)
        return render(request, "subscriptions/detail.html", _detail_context(request, subscription), status=status)
    except DomainError as exc:
        subscription.refresh_from_db()
        name, form = next(iter(forms.items()), ("", None))
        # The page made stale by someone else may no longer show that form: then the message says why
        # at the top. An invalid form says it beside its fields already.
        shown = {
            "quantity_form": subscription.status == SubscriptionStatus.ACTIVE,
            "contact_form": subscription.status != SubscriptionStatus.CANCELLED,
        }.get(name, False)
        if shown and form.errors.get(exc.field):
            status = exc.status
        else:
            status = errors.show(request, exc, form if shown else None)
        return render(request, "subscriptions/detail.html", _detail_context(request, subscription, **forms),
                      status=status)
    return redirect("subscriptions:detail", customer_id=customer.id, subscription_id=subscription.id)


@tenant_view(Perm.SUBSCRIPTIONS_BUY)
def subscription_cancel(request: HttpRequest, customer_id: str, subscription_id: str) -> HttpResponse:
    partner = request.tenant  # type: ignore[attr-defined]
    customer = _customer(request, customer_id)
    subscription = selectors.subscription_for_partner(partner=partner, customer=customer, subscription_id=subscription_id)
    if request.method == "POST":
        form = VersionForm(request.POST)
        try:
            if not form.is_valid():
                raise Stale(gettext_lazy("The page is out of date. Reload it."))
            services.subscription_status_change(
                subscription=subscription, actor=request.user, change=EventKind.CANCELLED,  # type: ignore[arg-type]
                version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            errors.show(request, exc)
        else:
            messages.success(request, _("The subscription was cancelled."))
        return redirect("subscriptions:detail", customer_id=customer.id, subscription_id=subscription.id)
    return render(request, "subscriptions/cancel.html", {"subscription": subscription, "customer": customer,
                                                          "version_form": VersionForm(initial={
                                                              "version": subscription.version})})


@tenant_view(Perm.SUBSCRIPTIONS_VIEW)
def order_detail(request: HttpRequest, customer_id: str, order_id: str) -> HttpResponse:
    customer = _customer(request, customer_id)
    order = selectors.order_for_partner(partner=request.tenant, customer=customer, order_id=order_id)  # type: ignore[attr-defined]
    return render(request, "subscriptions/order.html", {"order": order, "customer": customer})


def _export(partner: Tenant, customer: Tenant | None, filename: str) -> StreamingHttpResponse:
    header = [_("Subscription ID"), _("Customer"), _("Offer"), _("Quantity"), _("Status"), _("Reseller (MPN ID)")]
    # Words looked up once per export, not per row: the statuses and each offer's name (Offer.display_name).
    statuses = {value: str(label) for value, label in SubscriptionStatus.choices}
    offers: dict[str, str] = {}

    def offer_name(name: str) -> str:
        if name not in offers:
            offers[name] = gettext(name) if name else ""
        return offers[name]

    rows = (
        [sid, customer_name, offer_name(offer), quantity, statuses.get(status, status),
         f"{por_name} ({por_mpn})" if por_id is not None else ""]
        for sid, customer_name, offer, quantity, status, por_id, por_name, por_mpn
        in selectors.subscriptions_export_rows(partner=partner, customer=customer)
    )
    return csv_response(filename, header, rows)


@tenant_view(Perm.SUBSCRIPTIONS_EXPORT)
def subscriptions_export_customer(request: HttpRequest, customer_id: str) -> StreamingHttpResponse:
    customer = _customer(request, customer_id)
    return _export(request.tenant, customer, "subscriptions.csv")  # type: ignore[attr-defined]


@tenant_view(Perm.SUBSCRIPTIONS_EXPORT)
def subscriptions_export_all(request: HttpRequest) -> StreamingHttpResponse:
    return _export(request.tenant, None, "subscriptions-all-customers.csv")  # type: ignore[attr-defined]


@tenant_view(Perm.AGREEMENT_RECORD)
def agreement_record(request: HttpRequest, customer_id: str) -> HttpResponse:
    partner = request.tenant  # type: ignore[attr-defined]
    relationship = customer_for_partner(partner=partner, customer_id=customer_id)
    customer = relationship.customer
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AgreementForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.customer_agreement_record(
                partner=partner, customer=customer, actor=request.user,  # type: ignore[arg-type]
                signer_name=form.cleaned_data["signer_name"], signer_email=form.cleaned_data["signer_email"],
                accepted_on=form.cleaned_data["accepted_on"],
            )
        except DomainError as exc:
            status = errors.show(request, exc, form)
        else:
            messages.success(request, _("The customer agreement was recorded."))
            return redirect("customers:account", customer_id=customer.id)
    from customers.views import account_context

    return render(request, "customers/account.html", account_context(request, relationship, agreement_form=form),
                  status=status)


@tenant_view(Perm.ADMIN_CENTER_VIEW, kind=TenantKind.CUSTOMER)
def admin_center_subscriptions(request: HttpRequest) -> HttpResponse:
    customer = request.tenant  # type: ignore[attr-defined]
    rows = selectors.subscriptions_of_organisation(customer=customer)
    agreement = selectors.agreement_of_organisation(customer=customer)
    return render(request, "subscriptions/admin_center.html", {"rows": rows, "agreement": agreement,
                                                                "active": SubscriptionStatus.ACTIVE})
