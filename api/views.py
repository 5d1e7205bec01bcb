"""The API access pages (partner Global admins, Perm.API_MANAGE): the partner's apps, Register app,
Rotate secret and Revoke. A new secret is shown once, in the answer to the POST that made it: it is in
no URL and no session, and the answer is never cached. Sending the same form again (a reload of that
page) makes nothing: the Register form carries a one-time key, a rotation names the secret version it
replaces."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from api import selectors, services
from api.forms import AppRegisterForm, AppRotateForm
from members.rules import roles_grantable
from partnercenter import errors
from partnercenter.errors import Code, DomainError
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm


@tenant_view(Perm.API_MANAGE)
def app_list(request: HttpRequest) -> HttpResponse:
    page = selectors.apps_page(partner=request.tenant, number=request.GET.get("page") or 1)  # type: ignore[attr-defined]
    return render(request, "api/app_list.html", {"page": page, "apps": page.object_list})


def _secret_shown(request: HttpRequest, app, secret: str, *, rotated: bool,  # noqa: ANN001
                  ended_old_secret: bool = False) -> HttpResponse:
    response = render(request, "api/app_secret.html", {"app": app, "secret": secret, "rotated": rotated,
                                                          "ended_old_secret": ended_old_secret,
                                                          "grace_hours": settings.API_SECRET_GRACE_HOURS})
    add_never_cache_headers(response)  # no copy in the browser's cache or back/forward cache
    return response


@tenant_view(Perm.API_MANAGE)
def app_register(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    form = AppRegisterForm(request.POST if request.method == "POST" else None,
                           grantable=roles_grantable(request.user, tenant))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                app, secret = services.api_app_create(
                    partner=tenant, actor=request.user, name=form.cleaned_data["name"],  # type: ignore[arg-type]
                    scopes=form.chosen_scopes(), roles=form.cleaned_data["roles"],
                    registration_key=form.cleaned_data["registration_key"])
            except DomainError as exc:
                if exc.code == Code.ALREADY_ANSWERED:  # the form was sent again: no second app, no secret
                    messages.info(request, exc.message)
                    return redirect("api_access:list")
                status = errors.show(request, exc, form)
            else:
                return _secret_shown(request, app, secret, rotated=False)
    return render(request, "api/app_register.html", {"form": form}, status=status)


@tenant_view(Perm.API_MANAGE)
def app_rotate(request: HttpRequest, app_id: object) -> HttpResponse:
    app = selectors.app_for_partner(partner=request.tenant, app_id=app_id)  # type: ignore[attr-defined]
    if request.method == "POST":
        version, end_old_secret = AppRotateForm(request.POST).choices()
        try:
            secret = services.api_app_secret_rotate(app=app, actor=request.user, expected_version=version,  # type: ignore[arg-type]
                                                    end_old_secret=end_old_secret)
        except DomainError as exc:
            errors.show(request, exc)
            return redirect("api_access:list")
        return _secret_shown(request, app, secret, rotated=True, ended_old_secret=end_old_secret)
    if app.is_revoked:
        messages.error(request, _("This app has been revoked: it gets no new secret."))
        return redirect("api_access:list")
    return render(request, "api/app_rotate.html", {"app": app, "grace_hours": settings.API_SECRET_GRACE_HOURS,
                                                   "form": AppRotateForm(initial={"version": app.secret_version})})


@tenant_view(Perm.API_MANAGE)
def app_revoke(request: HttpRequest, app_id: object) -> HttpResponse:
    app = selectors.app_for_partner(partner=request.tenant, app_id=app_id)  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            services.api_app_revoke(app=app, actor=request.user)  # type: ignore[arg-type]
        except DomainError as exc:
            errors.show(request, exc)
        else:
            messages.success(request, _("%(name)s was revoked. Its tokens stopped working.") % {"name": app.name})
        return redirect("api_access:list")
    if app.is_revoked:
        messages.info(request, _("This app has been revoked already."))
        return redirect("api_access:list")
    return render(request, "api/app_revoke.html", {"app": app})
