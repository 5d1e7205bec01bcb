"""Writes of API apps. The client secret is generated here, returned once and stored hashed by
django-oauth-toolkit (Application.hash_client_secret)."""

from __future__ import annotations

from django.db import transaction
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model

from api.events import ApiEvents
from api.models import ApiApp
from api.rules import check_app
from members.rules import ROLE_ORDER, roles_grantable
from partnercenter.events import event_record
from partnercenter.models import Tenant, User


def api_app_create(*, partner: Tenant, actor: User, name: str, scopes: list[str],
                   roles: list[str]) -> tuple[ApiApp, str]:
    """Register an app for `partner`: (the app, its client secret in clear — shown once)."""
    name = name.strip()
    check_app(name=name, scopes=scopes, roles=roles, grantable=roles_grantable(actor, partner))
    Application = get_application_model()  # noqa: N806
    secret = generate_client_secret()
    with transaction.atomic():
        application = Application.objects.create(
            name=f"{partner.pk}:{name}"[:255], client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS, client_secret=secret,
            hash_client_secret=True, skip_authorization=True,
        )
        app = ApiApp.objects.create(partner=partner, application=application, name=name, created_by=actor,
                                    scopes=sorted(set(scopes)), roles=_ordered(roles))
        event_record(tenant=partner, kind=ApiEvents.APP_CREATED, actor=actor,
                     data={"app": name, "client_id": application.client_id})
    return app, secret


def _ordered(roles: list[str]) -> list[str]:
    return [role for role in ROLE_ORDER if role in set(roles)]
