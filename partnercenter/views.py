"""Views of the tenancy core: home, language, tenant switcher, company profile, activity log, outbox."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from partnercenter.activity import Describer, describe
from partnercenter.csvexport import csv_response
from partnercenter.devtools import dev_outbox_visible
from partnercenter.forms import ActivityFilterForm, CompanyProfileForm
from partnercenter.middleware import ACTIVE_TENANT_SESSION_KEY
from partnercenter.models import TenantKind
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm
from partnercenter.selectors import (
    activity_export_app_names,
    activity_export_rows,
    activity_for_tenant,
    company_profile_of,
    outbox_email_for_developer,
    outbox_recent,
)
from partnercenter.services import company_profile_update, tenant_mfa_requirement_set, user_language_set

ACTIVITY_PAGE_SIZE = 50


def client_ip(request: HttpRequest) -> str | None:
    from partnercenter.clientip import client_ip as resolved

    return resolved(request)


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("account_login")
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant is None:
        return render(request, "partnercenter/no_tenant.html", status=200)
    if tenant.kind == TenantKind.PARTNER:
        return redirect("customers:list")
    return redirect("admin_center_home")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/"
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)  # type: ignore[arg-type]
    translation.activate(language)
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE, samesite="Lax",
    )
    return response


@login_required
@require_POST
def tenant_switch(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("tenant", "")
    if not any(str(t.id) == wanted for t in request.tenancy.choices):  # type: ignore[attr-defined]
        raise Http404
    request.session[ACTIVE_TENANT_SESSION_KEY] = wanted
    return redirect("home")


@tenant_view(Perm.PROFILE_VIEW)
def company_profile(request: HttpRequest) -> HttpResponse:
    profile = company_profile_of(tenant=request.tenant)  # type: ignore[attr-defined]
    return render(request, "partnercenter/company_profile.html", {"profile": profile})


@tenant_view(Perm.PROFILE_EDIT)
def company_profile_edit(request: HttpRequest) -> HttpResponse:
    profile = company_profile_of(tenant=request.tenant)  # type: ignore[attr-defined]
    form = CompanyProfileForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST" and form.is_valid():
        company_profile_update(
            tenant=request.tenant, actor=request.user, data=form.cleaned_data, ip=client_ip(request)  # type: ignore[attr-defined,arg-type]
        )
        messages.success(request, _("The company profile was saved."))
        return redirect("company_profile")
    if request.method == "POST":
        # Never echo a half-applied instance: the form keeps what was typed, the database is untouched.
        profile.refresh_from_db()
    return render(request, "partnercenter/company_profile_edit.html", {"form": form, "profile": profile})


@tenant_view(Perm.PROFILE_EDIT)
@require_POST
def company_security(request: HttpRequest) -> HttpResponse:
    required = request.POST.get("mfa_required") == "on"
    tenant_mfa_requirement_set(tenant=request.tenant, actor=request.user, required=required, ip=client_ip(request))  # type: ignore[attr-defined,arg-type]
    messages.success(request, _("Two-factor authentication is now required for every user.") if required
                     else _("Two-factor authentication is now optional."))
    return redirect("company_profile")


def _activity_view(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    for name in ("before", "format"):
        params.pop(name, None)
    form = ActivityFilterForm(params or None)
    invalid = form.is_bound and not form.is_valid()
    filters = {} if invalid else form.filters()
    if request.GET.get("format") == "csv" and not invalid:
        return _activity_csv(request, filters)  # with a bad filter: the page with its message
    try:
        before = int(request.GET.get("before", "") or 0) or None
    except (ValueError, OverflowError):
        before = None
    tenant = request.tenant  # type: ignore[attr-defined]
    rows = [] if invalid else list(
        activity_for_tenant(tenant=tenant, before_id=before, **filters)[: ACTIVITY_PAGE_SIZE + 1])
    more = len(rows) > ACTIVITY_PAGE_SIZE
    rows = rows[:ACTIVITY_PAGE_SIZE]
    from api.selectors import app_names

    names = app_names(row.actor_client for row in rows)  # an API app acted: its name, one query per page
    for row in rows:
        row.actor_app = names.get(row.actor_client, "")
    query = request.GET.copy()
    query.pop("before", None)
    query.pop("format", None)
    return render(
        request,
        "partnercenter/activity.html",
        {
            "form": form,
            "entries": [(row, describe(row)) for row in rows],
            "next_before": rows[-1].id if more and rows else None,
            "query": query.urlencode(),
            "filtered": bool(filters),
            "invalid": invalid,
        },
    )


def _activity_csv(request: HttpRequest, filters: dict) -> StreamingHttpResponse:
    from partnercenter.domains import to_unicode

    # Per export, not per row: each kind's words (Describer), each actor's text, the apps' names.
    words = Describer()
    actors: dict[tuple[str, str], str] = {}
    api_app = _("%(name)s (API app)")
    names = activity_export_app_names(tenant=request.tenant, **filters)  # type: ignore[attr-defined]

    def actor(email: str, client: str) -> str:
        key = (email, client)
        if key not in actors:
            if email or not client:  # ActivityLog.actor_text()
                actors[key] = to_unicode(email) or client
            else:  # an app that acted, named as on the page
                name = names.get(client, "")
                actors[key] = api_app % {"name": name} if name else client
        return actors[key]

    label = words.label
    header = [_("Date"), _("Kind"), _("Code"), _("Actor"), _("Customer"), _("Description"), _("IP address")]
    rows = (
        [created_iso, label(kind), kind, actors.get((email, client)) or actor(email, client), customer or "",
         words(kind, data), ip_address or ""]
        for created_iso, kind, email, client, customer, data, ip_address
        in activity_export_rows(tenant=request.tenant, **filters)  # type: ignore[attr-defined]
    )
    return csv_response("activity-log.csv", header, rows)


@tenant_view(Perm.ACTIVITY_VIEW)
def activity_log(request: HttpRequest) -> HttpResponse:
    return _activity_view(request)


@tenant_view(Perm.ACTIVITY_VIEW, kind=TenantKind.CUSTOMER)
def admin_center_activity(request: HttpRequest) -> HttpResponse:
    return _activity_view(request)


def _dev_outbox_guard(request: HttpRequest) -> None:
    if not dev_outbox_visible(request):
        raise Http404


def dev_outbox(request: HttpRequest) -> HttpResponse:
    _dev_outbox_guard(request)
    return render(request, "partnercenter/dev_outbox.html", {"emails": outbox_recent(limit=100)})


def dev_outbox_detail(request: HttpRequest, email_id: int) -> HttpResponse:
    _dev_outbox_guard(request)
    email = outbox_email_for_developer(email_id=email_id)
    if email is None:
        raise Http404
    return render(request, "partnercenter/dev_outbox_detail.html", {"email": email})
