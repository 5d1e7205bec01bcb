"""django-oauth-toolkit wired to API apps: the scopes a token may carry are its app's, a revoked app or
one whose registrant was deactivated gets no token, and after a rotation the previous secret is accepted
until its grace period ends (settings.OAUTH2_PROVIDER, API_SECRET_GRACE_HOURS)."""

from __future__ import annotations

import hashlib

from django.contrib.auth.hashers import check_password
from django.db.models import OuterRef
from django.utils import timezone
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import SettingsScopes

from partnercenter.models import Membership


def held_roles(*, user: object, tenant: object):  # noqa: ANN202
    """The roles a user holds in a tenant while both the user and the membership are active."""
    return Membership.objects.filter(user_id=user, tenant_id=tenant, is_active=True,
                                     user__is_active=True).values("role")


def live_app(application):  # noqa: ANN001, ANN201
    """The ApiApp of a DOT application if it may have tokens now, else None."""
    from api.models import ApiApp

    if application is None:
        return None
    app = ApiApp.objects.filter(application_id=application.pk, revoked_at__isnull=True).first()
    if app is None or not held_roles(user=app.created_by_id, tenant=app.partner_id).exists():
        return None
    return app


def granted_scopes(app) -> list[str]:  # noqa: ANN001
    """An app's scopes, with each area's read scope implied by its write scope."""
    scopes = set(app.scopes)
    scopes |= {name.replace(".write", ".read") for name in app.scopes if name.endswith(".write")}
    return sorted(scopes)


class AppScopes(SettingsScopes):
    def get_available_scopes(self, application=None, request=None, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        app = live_app(application)
        return [] if app is None else granted_scopes(app)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        return self.get_available_scopes(application, request)


class AppValidator(OAuth2Validator):
    def _load_access_token(self, token):  # noqa: ANN001, ANN201
        """DOT's look-up by the token's checksum, with the API app, its partner and registrant in the same
        query (api.auth reads them on every call), compiled once (partnercenter.sqlcache). On PostgreSQL the
        registrant's active roles in the app's partner come with it too, as `registrant_roles`
        (api.auth.registrant_roles; elsewhere that asks for them)."""
        from django.db import connection
        from oauth2_provider.models import get_access_token_model

        from partnercenter.sqlcache import shaped_first

        def build(v: dict):  # noqa: ANN202
            tokens = (get_access_token_model().objects
                      .select_related("application", "user", "application__api_app__partner",
                                      "application__api_app__created_by")
                      .filter(token_checksum=v["checksum"]).order_by())
            if connection.vendor == "postgresql":
                from django.contrib.postgres.expressions import ArraySubquery

                tokens = tokens.annotate(registrant_roles=ArraySubquery(held_roles(
                    user=OuterRef("application__api_app__created_by_id"),
                    tenant=OuterRef("application__api_app__partner_id"))))
            return tokens[:1]

        return shaped_first(("api access token",), build,
                            {"checksum": hashlib.sha256(token.encode("utf-8")).hexdigest()})

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        return grant_type == "client_credentials" and live_app(client) is not None and super().validate_grant_type(
            client_id, grant_type, client, request, *args, **kwargs)

    def _check_secret(self, provided_secret, stored_secret):  # noqa: ANN001, ANN201
        """The client's current secret, or the one before its last rotation while that is in its grace
        period. DOT calls this from both ways a client authenticates (HTTP Basic and the request body,
        _authenticate_basic_auth / _authenticate_request_body) with the loaded client's stored hash, which
        names the app: salted hashes are unique, and the column is indexed."""
        if super()._check_secret(provided_secret, stored_secret):
            return True
        if not stored_secret or not provided_secret:
            return False
        from api.models import ApiApp

        previous = (ApiApp.objects.filter(application__client_secret=stored_secret, revoked_at__isnull=True,
                                          previous_secret_expires_at__gt=timezone.now())
                    .exclude(previous_secret="").values_list("previous_secret", flat=True).first())
        return bool(previous) and check_password(provided_secret, previous)
