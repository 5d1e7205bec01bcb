"""Demo data of the partner users pages (`make demo`): Contoso has invited a colleague who has not
answered yet (Users → Invitations shows it with Resend and Revoke)."""

from __future__ import annotations

from typing import Any

from members.services.invites import invite_create
from partnercenter.models import User
from partnercenter.roles import Role


def demo_members(tenants: dict[str, Any]) -> None:
    invite_create(tenant=tenants["contoso.example"], actor=User.objects.get(email="admin@contoso.example"),
                  email="new.colleague@contoso.example", name="Lena Vogel",
                  roles=[Role.SALES_AGENT, Role.HELPDESK_AGENT], language="de")
