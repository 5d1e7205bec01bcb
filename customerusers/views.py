"""The Users pages of a customer, on its behalf (F13): the list, Add user, a user's page (Edit), Block / Unblock
sign-in, Reset password, Delete. Thin: the guard (support.onbehalf), a form, one service, errors.show.

A temporary password is only in the response to the POST that made it (never in a URL, the session or a
log), and that response is not cached: reloading or going back never shows it again."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from customerusers import selectors, services
from customerusers.forms import CustomerUserAddForm, CustomerUserEditForm
from customerusers.rules import domains_text
from gdap import access
from partnercenter.clientip import client_ip
from partnercenter.domains import to_unicode
from partnercenter.errors import Code, DomainError, show
from partnercenter.roles import Perm
from support.onbehalf import on_behalf_view

READ_WRITE = ["GET", "HEAD", "POST"]


def _row_or_404(request: HttpRequest, user_id: int) -> selectors.CustomerUserRow:
    try:
        return selectors.customer_user(customer=request.on_behalf.customer, user_id=user_id)  # type: ignore[attr-defined]
    except DomainError as exc:
        raise Http404 from exc


def _may(request: HttpRequest, perm: str, action: str) -> bool:
    return request.tenancy.has(perm) and bool(request.on_behalf.may(request, action))  # type: ignore[attr-defined]


def _may_manage(request: HttpRequest) -> bool:
    return _may(request, Perm.CUSTOMER_USERS_MANAGE, access.USERS_MANAGE)


def _may_reset(request: HttpRequest) -> bool:
    return _may(request, Perm.PASSWORD_RESET, access.USERS_PASSWORD_RESET)


def _args(request: HttpRequest) -> dict:
    return {"partner": request.tenant, "customer": request.on_behalf.customer,  # type: ignore[attr-defined]
            "actor": request.user, "ip": client_ip(request)}


def _failed(request: HttpRequest, exc: DomainError, form: object = None) -> int:
    if exc.code == Code.NOT_FOUND:  # the user went meanwhile
        raise Http404 from exc
    return show(request, exc, form)


def _page(request: HttpRequest, template: str, status: int = 200, **context: object) -> HttpResponse:
    return render(request, f"customerusers/{template}", {"customer": request.on_behalf.customer,  # type: ignore[attr-defined]
                                                         **context}, status=status)


def _shown_once(request: HttpRequest, issued: services.Issued, *, added: bool) -> HttpResponse:
    response = _page(request, "password.html", issued=issued, added=added)
    add_never_cache_headers(response)
    return response


@on_behalf_view(Perm.CUSTOMER_USERS_VIEW, access.USERS_READ)
@require_http_methods(["GET", "HEAD"])
def user_list(request: HttpRequest, customer_id: object) -> HttpResponse:
    customer = request.on_behalf.customer  # type: ignore[attr-defined]
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.customer_users(customer=customer, search=search), selectors.PAGE_SIZE).get_page(
        request.GET.get("page"))
    rows = selectors.customer_user_rows(customer=customer, users=list(page.object_list))
    return _page(request, "list.html", page=page, rows=rows, search=search, may_manage=_may_manage(request),
                 domains_text=domains_text(selectors.customer_domains(customer=customer)))


@on_behalf_view(Perm.CUSTOMER_USERS_MANAGE, access.USERS_MANAGE)
@require_http_methods(READ_WRITE)
def user_add(request: HttpRequest, customer_id: object) -> HttpResponse:
    domains = selectors.customer_domains(customer=request.on_behalf.customer)  # type: ignore[attr-defined]
    if request.method != "POST":
        form = CustomerUserAddForm(domains=domains)
        return _page(request, "add.html", form=form, domains_text=domains_text(domains),
                     submit_key=secrets.token_urlsafe(16))
    form = CustomerUserAddForm(request.POST, domains=domains)
    key = request.POST.get("submit_key", "")[:64]
    context = {"form": form, "domains_text": domains_text(domains), "submit_key": key or secrets.token_urlsafe(16)}
    if not form.is_valid():
        return _page(request, "add.html", 400, **context)
    # One user per form, even after a double click: the second submit must not end on "taken" while the
    # first one's password page is lost.
    claim = f"customer-user-add:{request.user.pk}:{key}"
    if key and not cache.add(claim, 1, timeout=3600):
        messages.info(request, _("This user is being added or was added already. If you did not see the temporary "
                                 "password, open the user and use Reset password."))
        return redirect("customerusers:list", customer_id=customer_id)
    data = form.cleaned_data
    try:
        issued = services.customer_user_add(first_name=data["first_name"], last_name=data["last_name"],
                                            user_name=data["user_name"], domain=data["domain"], role=data["role"],
                                            **_args(request))
    except DomainError as exc:
        cache.delete(claim)
        return _page(request, "add.html", _failed(request, exc, form), **context)
    except Exception:
        cache.delete(claim)  # nothing was added: the same form may be sent again
        raise
    return _shown_once(request, issued, added=True)


def _detail(request: HttpRequest, row: selectors.CustomerUserRow, form: CustomerUserEditForm,
            status: int = 200) -> HttpResponse:
    may_reset = _may_reset(request) and services.may_reset_password_of(
        partner=request.tenant, customer=request.on_behalf.customer, actor=request.user, row=row)  # type: ignore[attr-defined,arg-type]
    return _page(request, "detail.html", status, row=row, form=form, may_manage=_may_manage(request),
                 may_reset=may_reset)


@on_behalf_view(Perm.CUSTOMER_USERS_VIEW, access.USERS_READ, post_perm=Perm.CUSTOMER_USERS_MANAGE,
                post_action=access.USERS_MANAGE)
@require_http_methods(READ_WRITE)
def user_detail(request: HttpRequest, customer_id: object, user_id: int) -> HttpResponse:
    row = _row_or_404(request, user_id)
    if request.method != "POST":
        initial = {"first_name": row.user.first_name, "last_name": row.user.last_name, "role": row.role}
        return _detail(request, row, CustomerUserEditForm(initial=initial))
    form = CustomerUserEditForm(request.POST)
    if not form.is_valid():
        return _detail(request, row, form, 400)
    try:
        changed = services.customer_user_update(user_id=row.user.pk, first_name=form.cleaned_data["first_name"],
                                                last_name=form.cleaned_data["last_name"],
                                                role=form.cleaned_data["role"], **_args(request))
    except DomainError as exc:
        return _detail(request, row, form, _failed(request, exc, form))
    if changed:
        messages.success(request, _("%(email)s was saved.") % {"email": to_unicode(row.user.email)})
    return redirect("customerusers:detail", customer_id=customer_id, user_id=row.user.pk)


def _sign_in(request: HttpRequest, customer_id: object, user_id: int, *, blocked: bool) -> HttpResponse:
    row = _row_or_404(request, user_id)
    action = "block" if blocked else "unblock"
    if request.method == "POST":
        try:
            services.customer_user_sign_in_set(user_id=row.user.pk, blocked=blocked, **_args(request))
        except DomainError as exc:
            return _page(request, "confirm.html", _failed(request, exc), row=row, action=action)
        messages.success(request, (_("Sign-in of %(email)s is blocked.") if blocked
                                   else _("%(email)s can sign in again.")) % {"email": to_unicode(row.user.email)})
        return redirect("customerusers:detail", customer_id=customer_id, user_id=row.user.pk)
    return _page(request, "confirm.html", row=row, action=action)


@on_behalf_view(Perm.CUSTOMER_USERS_MANAGE, access.USERS_MANAGE)
@require_http_methods(READ_WRITE)
def user_block(request: HttpRequest, customer_id: object, user_id: int) -> HttpResponse:
    return _sign_in(request, customer_id, user_id, blocked=True)


@on_behalf_view(Perm.CUSTOMER_USERS_MANAGE, access.USERS_MANAGE)
@require_http_methods(READ_WRITE)
def user_unblock(request: HttpRequest, customer_id: object, user_id: int) -> HttpResponse:
    return _sign_in(request, customer_id, user_id, blocked=False)


@on_behalf_view(Perm.CUSTOMER_USERS_MANAGE, access.USERS_MANAGE)
@require_http_methods(READ_WRITE)
def user_delete(request: HttpRequest, customer_id: object, user_id: int) -> HttpResponse:
    row = _row_or_404(request, user_id)
    if request.method == "POST":
        try:
            services.customer_user_delete(user_id=row.user.pk, **_args(request))
        except DomainError as exc:
            return _page(request, "confirm.html", _failed(request, exc), row=row, action="delete")
        messages.success(request, _("%(email)s was deleted.") % {"email": to_unicode(row.user.email)})
        return redirect("customerusers:list", customer_id=customer_id)
    return _page(request, "confirm.html", row=row, action="delete")


@on_behalf_view(Perm.PASSWORD_RESET, access.USERS_PASSWORD_RESET)
@require_http_methods(READ_WRITE)
def user_password_reset(request: HttpRequest, customer_id: object, user_id: int) -> HttpResponse:
    row = _row_or_404(request, user_id)
    if request.method == "POST":
        try:
            issued = services.customer_user_password_reset(user_id=row.user.pk, **_args(request))
        except DomainError as exc:
            return _page(request, "confirm.html", _failed(request, exc), row=row, action="reset")
        return _shown_once(request, issued, added=False)
    return _page(request, "confirm.html", row=row, action="reset")
