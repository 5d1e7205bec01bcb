"""Demo data of the API access page (`make demo`): Contoso, the direct partner, has registered one app.
Its secret is thrown away, never printed (a demo may be served publicly): "Rotate secret" on the page
gives a working one, shown once."""

from __future__ import annotations

from typing import Any

from api.services import api_app_create
from partnercenter.models import User
from partnercenter.roles import Role


def demo_api(tenants: dict[str, Any]) -> None:
    api_app_create(partner=tenants["contoso.example"], actor=User.objects.get(email="admin@contoso.example"),
                   name="Contoso billing sync", scopes=["customers.read", "subscriptions.write"],
                   roles=[Role.ADMIN_AGENT])
