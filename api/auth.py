"""Bearer tokens of API apps (django-oauth-toolkit, client credentials) → the app, its partner and
what it may do. Checked on every request, so a revoked app or a deactivated registrant stops at once."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions

from members.rules import role_grantable
from partnercenter.events import acting_client
from partnercenter.middleware import TenantContext
from partnercenter.roles import permissions_for
from partnercenter.selectors import ActingApp, acting_app

LAST_USED_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per app


class AppTokenAuthentication(OAuth2Authentication):
    """A valid token of a live app. Sets on the request: `api_app`, `tenant` (the app's partner),
    `tenancy` (the app's roles that the registrant could still grant) and `user` (the registrant, whom
    the services take as the acting user; events name the app: partnercenter.events.acting_client; the
    services' permission checks see the app's roles: partnercenter.selectors.acting_app)."""

    www_authenticate_realm = "api"

    def authenticate(self, request):  # noqa: ANN001, ANN201
        result = super().authenticate(request)
        if result is None:
            if request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer "):
                raise exceptions.AuthenticationFailed(_("The access token is not valid or has expired."))
            return None
        _user, token = result
        from api.models import ApiApp

        # Loaded with the token (api.oauth.AppValidator._load_access_token).
        app = getattr(token.application, "api_app", None) if token.application_id else None
        if app is None or app.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API app has been revoked."))
        held = registrant_roles(token, app)
        if not held:
            raise exceptions.AuthenticationFailed(
                _("The user who registered this API app has been deactivated: register the app again."))
        # Roles the registrant could still grant: demoting the registrant narrows the app too.
        roles = frozenset(role for role in app.roles if role_grantable(actor_roles=held, role=role))
        now = timezone.now()
        if app.last_used_at is None or now - app.last_used_at > LAST_USED_EVERY:
            ApiApp.objects.filter(pk=app.pk).update(last_used_at=now)
            app.last_used_at = now
        request.api_app = app
        request._request.api_app = app
        request.tenant = app.partner
        perms = permissions_for(roles, app.partner.partner_type)
        request.tenancy = TenantContext(tenant=app.partner, roles=roles, perms=perms, choices=[app.partner])
        # Both reset when the view's dispatch ends (api.base).
        acting_client.set(app.client_id)
        acting_app.set(ActingApp(user_id=app.created_by_id, tenant_id=app.partner_id, roles=roles, perms=perms))
        return app.created_by, token


def registrant_roles(token, app) -> set[str]:  # noqa: ANN001
    """The registrant's active roles in the app's partner (none once the user or membership is inactive):
    read with the token on PostgreSQL (api.oauth.AppValidator._load_access_token), else asked here."""
    loaded = getattr(token, "registrant_roles", None)
    if loaded is not None:
        return set(loaded)
    from api.oauth import held_roles
    from partnercenter.sqlcache import shaped_rows

    def build(v: dict):  # noqa: ANN202
        return held_roles(user=v["user"], tenant=v["tenant"]).values_list("role")

    return {role for (role,) in shaped_rows(("api roles held",), build,
                                             {"user": app.created_by_id, "tenant": app.partner_id})}
