"""Demo data of the GDAP settings pages (called by partnercenter.demo.demo_load): Contoso's security groups
(one with members, one empty) and two role templates, one with Global Administrator (no auto-extend)."""

from __future__ import annotations

from typing import Any

from gdap import services
from partnercenter.models import User

DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
HELPDESK_ADMINISTRATOR = "729827e3-9c14-49f7-bb1b-9608f156bbb8"
LICENSE_ADMINISTRATOR = "4d6ac14f-3453-41d0-bef9-a3e0c569773a"


def demo_settings(tenants: dict[str, Any]) -> None:
    contoso = tenants["contoso.example"]
    admin = User.objects.get(email="admin@contoso.example")
    helpdesk = services.group_create(partner=contoso, actor=admin, name="Helpdesk",
                                     description="First-line support: passwords, users, service requests")
    for email in ("helpdesk@contoso.example", "agent@contoso.example"):
        services.member_add(helpdesk, actor=admin, user=User.objects.get(email=email))
    licensing = services.group_create(partner=contoso, actor=admin, name="Licensing",
                                      description="Assigns licenses after purchases")
    services.member_add(licensing, actor=admin, user=User.objects.get(email="sales@contoso.example"))
    escalation = services.group_create(partner=contoso, actor=admin, name="Tier 2 escalation",
                                       description="Full administration for escalated cases")
    services.template_save(
        partner=contoso, actor=admin, name="Standard support", duration="P730D", auto_extend="P180D",
        description="Least privilege for most customers; extends itself",
        roles=[DIRECTORY_READERS, GLOBAL_READER, HELPDESK_ADMINISTRATOR, LICENSE_ADMINISTRATOR],
        assignments=[(helpdesk, [DIRECTORY_READERS, HELPDESK_ADMINISTRATOR]), (licensing, [LICENSE_ADMINISTRATOR])])
    services.template_save(
        partner=contoso, actor=admin, name="Full administration (90 days)", duration="P90D",
        description="Onboarding projects; Global Administrator, so no auto-extend",
        roles=[GLOBAL_ADMINISTRATOR, GLOBAL_READER], assignments=[(escalation, [GLOBAL_ADMINISTRATOR])])
