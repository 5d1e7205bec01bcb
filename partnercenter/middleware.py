"""Request context: the user's language, the active tenant and its roles, per-tenant MFA enforcement."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from partnercenter.models import Tenant
from partnercenter.roles import NO_PERMISSIONS, PermissionSet, permissions_for

ACTIVE_TENANT_SESSION_KEY = "active_tenant_id"


@dataclass
class TenantContext:
    """What the signed-in user may do in the active tenant."""

    tenant: Tenant | None = None
    roles: frozenset[str] = frozenset()
    perms: PermissionSet = NO_PERMISSIONS
    choices: list[Tenant] = field(default_factory=list)

    def has(self, perm: str) -> bool:
        return perm in self.perms


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in self.languages:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class ActiveTenantMiddleware:
    # A member invitation can bring a deactivated user back: its pages stay open to them.
    SIGN_OUT_EXEMPT_PREFIXES = ("/static/", "/users/invitation/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.tenancy = load_tenant_context(request)  # type: ignore[attr-defined]
        if request.tenancy.tenant is None and not request.path.startswith(self.SIGN_OUT_EXEMPT_PREFIXES):  # type: ignore[attr-defined]
            ended = _sign_out_if_deactivated(request)
            if ended is not None:
                return ended
        request.tenant = request.tenancy.tenant  # type: ignore[attr-defined]
        return self.get_response(request)


def _sign_out_if_deactivated(request: HttpRequest) -> HttpResponse | None:
    """A signed-in user whose every membership was deactivated (no organisation left to work in) is
    signed out at their next request, told why, and sent to the sign-in page. Operators and users who
    never had an organisation are left alone."""
    from django.contrib import messages
    from django.contrib.auth import logout
    from django.utils.translation import gettext as _

    from partnercenter.selectors import deactivated_tenant_of_user

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    tenant = deactivated_tenant_of_user(user=user, has_active=False)  # no active tenant: none active
    if tenant is None:
        return None
    logout(request)
    messages.warning(request, _("Your access to %(organisation)s was deactivated, so you were signed out. A "
                                "Global admin of the organisation can reactivate you.") % {"organisation": tenant.name})
    login_url = reverse("account_login")
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = login_url
        return response
    return redirect(login_url)


def load_tenant_context(request: HttpRequest) -> TenantContext:
    from partnercenter.selectors import memberships_of_user

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return TenantContext()
    roles_by_tenant: dict[object, set[str]] = {}
    tenants: dict[object, Tenant] = {}
    # Loaded with the user by partnercenter.backends when the session was read.
    memberships = getattr(user, "loaded_memberships", None)
    if memberships is None:
        memberships = memberships_of_user(user_id=user.pk)
    for membership in memberships:
        roles_by_tenant.setdefault(membership.tenant_id, set()).add(membership.role)
        tenants[membership.tenant_id] = membership.tenant
    if not tenants:
        return TenantContext()
    choices = sorted(tenants.values(), key=lambda t: (t.kind != "partner", t.name.lower()))
    wanted = request.session.get(ACTIVE_TENANT_SESSION_KEY)
    active = next((t for t in choices if str(t.id) == wanted), choices[0])
    roles = frozenset(roles_by_tenant[active.id])
    return TenantContext(tenant=active, roles=roles, perms=permissions_for(roles, active.partner_type),
                         choices=choices)


class TenantMfaMiddleware:
    """Tenants that require MFA send their users to set up TOTP before anything else."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/language/", "/switch-tenant/")
    SETUP_PREFIXES = ("/accounts/reauthenticate/", "/accounts/2fa/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        # The set-up pages (re-authentication, authenticator app) say why they are shown.
        request.mfa_setup_required = False  # type: ignore[attr-defined]
        if tenant is not None and tenant.mfa_required:
            allowed = request.path.startswith(self.ALLOWED_PREFIXES)
            if allowed and not request.path.startswith(self.SETUP_PREFIXES):
                return self.get_response(request)
            if not _user_has_mfa(request):
                if not allowed:
                    return redirect(reverse("mfa_activate_totp"))
                request.mfa_setup_required = True  # type: ignore[attr-defined]
        return self.get_response(request)


def _user_has_mfa(request: HttpRequest) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()


class PasswordChangeRequiredMiddleware:
    """A user created with a temporary password changes it before anything else."""

    ALLOWED_PREFIXES = ("/accounts/password/change/", "/accounts/logout/", "/static/", "/language/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            return redirect(reverse("account_change_password"))
        return self.get_response(request)
