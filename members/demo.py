"""Demo data of the partner users pages (`make demo`): Contoso's Users list shows a user in every state —
a colleague invited who has not answered yet (Users → Invitations shows it with Resend and Revoke), the
active users of partnercenter.demo.USERS, and a former colleague deactivated (Reactivate on their page)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress

from members.services.invites import invite_create
from members.services.roles import member_deactivate
from partnercenter.models import User
from partnercenter.roles import Role
from partnercenter.services import membership_grant

DEACTIVATED_EMAIL = "former@contoso.example"


def demo_members(tenants: dict[str, Any]) -> None:
    from partnercenter.demo import DEMO_PASSWORD

    contoso = tenants["contoso.example"]
    admin = User.objects.get(email="admin@contoso.example")
    invite_create(tenant=contoso, actor=admin, email="new.colleague@contoso.example", name="Lena Vogel",
                  roles=[Role.SALES_AGENT, Role.HELPDESK_AGENT], language="de")
    former = User.objects.create_user(email=DEACTIVATED_EMAIL, password=DEMO_PASSWORD, language="de")
    EmailAddress.objects.create(user=former, email=former.email, primary=True, verified=True)
    membership_grant(user=former, tenant=contoso, roles=[Role.SALES_AGENT])
    member_deactivate(tenant=contoso, actor=admin, actor_roles=frozenset({Role.GLOBAL_ADMIN}), user_id=former.pk)
