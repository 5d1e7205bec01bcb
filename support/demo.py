"""Service management in the demo (`make demo`). Contoso already shows it (gdap/demo.py): at Adatum it
holds DAP for every service and its "Helpdesk tier 1" group (helpdesk@, agent@) holds GDAP roles, so
its users see the allowed actions there; Alpine Ski Haus has neither, so the same page is "Admin
permissions needed". What was missing is access through GDAP alone: Fabrikam's active "Adatum helpdesk"
relationship (gdap/demo_customer.py) gets a security group, "Ügyfélszolgálat", with admin@fabrikam.example
and consultant@contoso.example (a Helpdesk agent at Fabrikam) and two of the relationship's roles.
Called by partnercenter.demo.demo_load inside its transaction."""

from __future__ import annotations

from typing import Any

from gdap import services
from gdap.models import AdminRelationship
from partnercenter.models import User

DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
HELPDESK_ADMINISTRATOR = "729827e3-9c14-49f7-bb1b-9608f156bbb8"


def demo_support(tenants: dict[str, Any]) -> None:
    fabrikam, adatum = tenants["fabrikam.example"], tenants["adatum.example"]
    admin = User.objects.get(email="admin@fabrikam.example")
    group = services.group_create(partner=fabrikam, actor=admin, name="Ügyfélszolgálat",
                                  description="Első szintű támogatás: felhasználók, jelszavak, hibajegyek.")
    for email in ("admin@fabrikam.example", "consultant@contoso.example"):
        services.member_add(group, actor=admin, user=User.objects.get(email=email))
    rel = AdminRelationship.objects.get(partner=fabrikam, customer=adatum, display_name="Adatum helpdesk")
    services.assignment_create(rel, actor=admin, security_group=group, roles=[DIRECTORY_READERS, HELPDESK_ADMINISTRATOR])
