"""Licenses on behalf of a customer (F13): the subscriptions' seats, a subscription's holders, Assign
licenses, Unassign (confirmation), and the licenses one user holds. Every page asks the partner role
(Perm.LICENSES_MANAGE) and the admin permissions for the customer (gdap.access "licenses.manage")."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gdap import access
from licenses import selectors, services
from licenses.forms import AssignForm
from partnercenter import errors
from partnercenter.clientip import client_ip
from partnercenter.errors import DomainError, NotFound
from partnercenter.roles import Perm
from support.onbehalf import on_behalf_view

READ = ["GET", "HEAD"]


def _search(request: HttpRequest) -> str:
    return (request.GET.get("q") or "").strip()[:100]


@on_behalf_view(Perm.LICENSES_MANAGE, access.LICENSES_MANAGE)
@require_http_methods(["GET", "HEAD"])
def customer_licenses(request: HttpRequest, customer_id: str) -> HttpResponse:
    partner, customer = request.tenant, request.on_behalf.customer  # type: ignore[attr-defined]
    search = _search(request)
    page = Paginator(selectors.customer_users(customer=customer, search=search), selectors.PAGE_SIZE).get_page(
        request.GET.get("page"))
    users = list(page.object_list)
    held = selectors.licenses_by_user(tenant=partner, customer=customer, users=users)
    return render(request, "licenses/customer.html", {
        "customer": customer, "rows": selectors.seats_of_customer(partner=partner, customer=customer),
        "page": page, "users": [(user, held.get(user.pk, [])) for user in users], "search": search,
    })


@on_behalf_view(Perm.LICENSES_MANAGE, access.LICENSES_MANAGE)
def subscription_licenses(request: HttpRequest, customer_id: str, subscription_id: str) -> HttpResponse:
    partner, customer = request.tenant, request.on_behalf.customer  # type: ignore[attr-defined]
    seats = selectors.seats_of_subscription(partner=partner, customer=customer, subscription_id=subscription_id)
    if request.method not in READ:  # after the lookup: another customer's id is a 404 whatever the method
        return HttpResponseNotAllowed(READ)
    search = _search(request)
    page = Paginator(selectors.holders(tenant=partner, subscription=seats.subscription, search=search),
                     selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "licenses/subscription.html", {
        "customer": customer, "seats": seats, "subscription": seats.subscription, "page": page, "search": search,
    })


@on_behalf_view(Perm.LICENSES_MANAGE, access.LICENSES_MANAGE)
def licenses_assign(request: HttpRequest, customer_id: str, subscription_id: str) -> HttpResponse:
    partner, customer = request.tenant, request.on_behalf.customer  # type: ignore[attr-defined]
    seats = selectors.seats_of_subscription(partner=partner, customer=customer, subscription_id=subscription_id)
    if request.method not in (*READ, "POST"):
        return HttpResponseNotAllowed([*READ, "POST"])
    form = AssignForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = services.licenses_assign(
                    partner=partner, customer=customer, actor=request.user,  # type: ignore[arg-type]
                    subscription_id=seats.subscription.id, user_ids=form.cleaned_data["users"],
                    ip=client_ip(request))
            except DomainError as exc:
                status = errors.show(request, exc, form)
                seats = selectors.seats_of_subscription(partner=partner, customer=customer,
                                                        subscription_id=subscription_id)
            else:
                _assigned_messages(request, result)
                return redirect("licenses:subscription", customer_id=customer.id, subscription_id=seats.subscription.id)
    search = _search(request)
    page = Paginator(selectors.candidates(customer=customer, subscription=seats.subscription, search=search),
                     selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    chosen = {str(value) for value in request.POST.getlist("users")} if request.method == "POST" else set()
    return render(request, "licenses/assign.html", {
        "customer": customer, "seats": seats, "subscription": seats.subscription, "form": form, "page": page,
        "search": search, "chosen": chosen,
    }, status=status)


def _assigned_messages(request: HttpRequest, result: services.AssignResult) -> None:
    if result.assigned:
        messages.success(request, _("A license was assigned to %(users)s.") % {"users": ", ".join(result.assigned)})
    if result.already:
        messages.info(request, _("Already held a license, not assigned twice: %(users)s.")
                      % {"users": ", ".join(result.already)})


@on_behalf_view(Perm.LICENSES_MANAGE, access.LICENSES_MANAGE)
def license_unassign(request: HttpRequest, customer_id: str, subscription_id: str, user_id: int) -> HttpResponse:
    partner, customer = request.tenant, request.on_behalf.customer  # type: ignore[attr-defined]
    seats = selectors.seats_of_subscription(partner=partner, customer=customer, subscription_id=subscription_id)
    user = selectors.customer_user(customer=customer, user_id=user_id)
    back = redirect("licenses:subscription", customer_id=customer.id, subscription_id=seats.subscription.id)
    name = services.display_name(user)
    if request.method not in (*READ, "POST"):
        return HttpResponseNotAllowed([*READ, "POST"])
    if request.method == "POST":
        try:
            removed = services.license_unassign(partner=partner, customer=customer, actor=request.user,  # type: ignore[arg-type]
                                                subscription_id=seats.subscription.id, user_id=user.pk,
                                                ip=client_ip(request))
        except DomainError as exc:
            errors.show(request, exc)
            return back
        if removed:
            messages.success(request, _("The license was unassigned from %(user)s.") % {"user": name})
        else:
            messages.info(request, _("%(user)s holds no license of this subscription any more.") % {"user": name})
        return back
    if selectors.holding(subscription=seats.subscription, user_id=user.pk) is None:
        raise Http404
    return render(request, "licenses/unassign.html", {"customer": customer, "seats": seats,
                                                      "subscription": seats.subscription, "holder": user,
                                                      "name": name})


@on_behalf_view(Perm.LICENSES_MANAGE, access.LICENSES_MANAGE)
def user_licenses(request: HttpRequest, customer_id: str, user_id: int) -> HttpResponse:
    partner, customer = request.tenant, request.on_behalf.customer  # type: ignore[attr-defined]
    try:
        user = selectors.customer_user(customer=customer, user_id=user_id)
    except NotFound as exc:
        raise Http404 from exc
    if request.method not in READ:
        return HttpResponseNotAllowed(READ)
    held = selectors.licenses_by_user(tenant=partner, customer=customer, users=[user]).get(user.pk, [])
    return render(request, "licenses/user.html", {"customer": customer, "holder": user,
                                                  "name": services.display_name(user), "held": held})
