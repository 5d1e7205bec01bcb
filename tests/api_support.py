"""API apps and bearer tokens for the API tests: register an app through the service, get a token by the
client credentials grant at /oauth2/token/ (the real endpoint), and a client that sends it."""

from __future__ import annotations

from collections.abc import Iterable

from django.test import Client

from api.models import SCOPES, ApiApp
from partnercenter.models import Tenant, User
from partnercenter.roles import Role
from tests.factories import member

ALL_SCOPES = tuple(sorted(name for name in SCOPES if name.endswith(".write")))
READ_SCOPES = tuple(sorted(name for name in SCOPES if name.endswith(".read")))


def api_app(partner: Tenant, *, registrant: User | None = None, scopes: Iterable[str] = ALL_SCOPES,
            roles: Iterable[str] = (Role.GLOBAL_ADMIN,), name: str = "Billing sync") -> tuple[ApiApp, str]:
    """A registered app of `partner` (registrant: a new Global admin unless given) and its secret."""
    from api.services import api_app_create

    registrant = registrant or member(partner, Role.GLOBAL_ADMIN)
    return api_app_create(partner=partner, actor=registrant, name=name, scopes=list(scopes), roles=list(roles))


def token_response(app: ApiApp, secret: str, scope: str | None = None, client: Client | None = None):  # noqa: ANN201
    data = {"grant_type": "client_credentials", "client_id": app.client_id, "client_secret": secret}
    if scope is not None:
        data["scope"] = scope
    return (client or Client()).post("/oauth2/token/", data)


def token_for(app: ApiApp, secret: str, scope: str | None = None) -> str:
    response = token_response(app, secret, scope)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def bearer_client(token: str) -> Client:
    """A test client whose every request carries the bearer token (and asks for JSON)."""
    return Client(headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})


def api_client(partner: Tenant, **kwargs) -> tuple[Client, ApiApp]:  # noqa: ANN003
    """A client of a new app of `partner` (api_app's keyword arguments) holding a fresh token."""
    app, secret = api_app(partner, **kwargs)
    return bearer_client(token_for(app, secret)), app
