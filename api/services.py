"""Writes of API apps: register, rotate the secret, revoke. The client secret is generated here, returned
once and stored hashed by django-oauth-toolkit (Application.hash_client_secret); after a rotation the
previous hash stays on the app until its grace period ends (api.oauth accepts it until then)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_access_token_model, get_application_model, get_refresh_token_model

from api import rules
from api.events import ApiEvents
from api.models import ApiApp
from members.rules import ROLE_ORDER, roles_grantable
from partnercenter.events import event_record
from partnercenter.models import Membership, Tenant, User


def api_app_create(*, partner: Tenant, actor: User, name: str, scopes: list[str], roles: list[str],
                   registration_key: str = "") -> tuple[ApiApp, str]:
    """Register an app for `partner`: (the app, its client secret in clear — shown once). `actor` is the
    registrant: an active user of the partner, whose roles bound the app's. A `registration_key` used
    before (the same Register form sent again) registers nothing: rules.check_registered_once."""
    name = name.strip()
    rules.check_registrant(active_member=_active_member(actor, partner))
    rules.check_app(name=name, scopes=scopes, roles=roles, grantable=roles_grantable(actor, partner))
    Application = get_application_model()  # noqa: N806
    secret = generate_client_secret()
    with transaction.atomic():
        if registration_key:
            Tenant.objects.select_for_update().get(pk=partner.pk)  # two sends of one form: one registers
            rules.check_registered_once(used=ApiApp.objects.filter(
                partner=partner, registration_key=registration_key).exists())
        application = Application.objects.create(
            name=f"{partner.pk}:{name}"[:255], client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS, client_secret=secret,
            hash_client_secret=True, skip_authorization=True,
        )
        app = ApiApp.objects.create(partner=partner, application=application, name=name, created_by=actor,
                                    scopes=sorted(set(scopes)), roles=_ordered(roles),
                                    registration_key=registration_key)
        event_record(tenant=partner, kind=ApiEvents.APP_CREATED, actor=actor,
                     data={"app": name, "client_id": application.client_id})
    return app, secret


def api_app_secret_rotate(*, app: ApiApp, actor: User, expected_version: int | None = None,
                          end_old_secret: bool = False) -> str:
    """A new client secret for `app`, in clear (shown once). The secret it replaces keeps working for
    API_SECRET_GRACE_HOURS; the one before that (an earlier rotation's) stops now. With `end_old_secret`
    (a leaked secret) no old secret is kept and the app's tokens are deleted, as a revocation does: a
    program with the old secret or a token stops at once. `expected_version` is the app's
    secret_version the asking page showed: a stale page rotates nothing (rules.check_rotate)."""
    grace = timedelta(hours=settings.API_SECRET_GRACE_HOURS)
    with transaction.atomic():
        locked = ApiApp.objects.select_for_update().select_related("application").get(pk=app.pk)
        rules.check_rotate(revoked=locked.is_revoked, version=locked.secret_version,
                           expected_version=expected_version)
        now = timezone.now()
        secret = generate_client_secret()
        application = locked.application
        keep = grace > timedelta(0) and not end_old_secret
        locked.previous_secret = application.client_secret if keep else ""  # the stored hash, never the secret
        locked.previous_secret_expires_at = now + grace if keep else None
        locked.secret_version += 1
        locked.secret_rotated_at = now
        application.client_secret = secret  # hashed on save (ClientSecretField)
        application.save(update_fields=["client_secret", "updated"])
        locked.save(update_fields=["previous_secret", "previous_secret_expires_at", "secret_version",
                                   "secret_rotated_at"])
        if end_old_secret:
            _tokens_delete(locked)
        event_record(tenant=locked.partner, kind=ApiEvents.APP_SECRET_ROTATED, actor=actor,
                     data={"app": locked.name, "client_id": application.client_id,
                           "grace_hours": settings.API_SECRET_GRACE_HOURS if keep else 0,
                           "ended_old_secret": end_old_secret})
    app.refresh_from_db()
    return secret


def api_app_revoke(*, app: ApiApp, actor: User) -> None:
    """Revoke `app`: it is kept (as revoked, for the record), its tokens are deleted and no secret of it
    gets a token again; a token already handed out stops at its next request (api.auth)."""
    with transaction.atomic():
        locked = ApiApp.objects.select_for_update().select_related("application").get(pk=app.pk)
        rules.check_revoke(revoked=locked.is_revoked)
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.previous_secret, locked.previous_secret_expires_at = "", None
        locked.save(update_fields=["revoked_at", "revoked_by", "previous_secret", "previous_secret_expires_at"])
        _tokens_delete(locked)
        event_record(tenant=locked.partner, kind=ApiEvents.APP_REVOKED, actor=actor,
                     data={"app": locked.name, "client_id": locked.application.client_id})
    app.refresh_from_db()


def _tokens_delete(app: ApiApp) -> None:
    """Every refresh and access token of `app` (a call with one is a 401 from now on: api.auth)."""
    get_refresh_token_model().objects.filter(application_id=app.application_id).delete()
    get_access_token_model().objects.filter(application_id=app.application_id).delete()


def _active_member(user: User, partner: Tenant) -> bool:
    return bool(user and user.pk and user.is_active and Membership.objects.filter(
        user=user, tenant=partner, is_active=True).exists())


def _ordered(roles: list[str]) -> list[str]:
    return [role for role in ROLE_ORDER if role in set(roles)]
