"""GDAP demo data (`make demo`), the one place for it: Contoso's security groups and role templates (one
with Global Administrator, so no auto-extend), customers with an active (with access assignments), an
expiring and a pending admin relationship; Alpine Ski Haus has none (the empty state); and Adatum's side
(gdap/demo_customer.py). Called by partnercenter.demo.demo_load inside its transaction."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from gdap import services
from gdap.events import GdapEvents
from gdap.models import AdminRelationship, RelationshipStatus
from partnercenter.models import Tenant, User

DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
HELPDESK_ADMINISTRATOR = "729827e3-9c14-49f7-bb1b-9608f156bbb8"
USER_ADMINISTRATOR = "fe930be7-5e62-47db-91af-98c3a49a38b1"
LICENSE_ADMINISTRATOR = "4d6ac14f-3453-41d0-bef9-a3e0c569773a"
EXCHANGE_ADMINISTRATOR = "29232cdf-9323-42fd-ade2-1d097af3e4de"
GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"


def _approved(partner: Tenant, actor: User, customer: Tenant, approver: User, name: str, roles: list[str],
              days: int, auto_extend: bool = False) -> AdminRelationship:
    rel, raw = services.request_relationship(partner=partner, actor=actor, customer=customer, display_name=name,
                                             roles=roles, duration=days, auto_extend=auto_extend)
    request = services.approval_submit(raw_token=raw, user=approver, customer=customer)
    services.approval_process(request_id=str(request.pk))
    rel.refresh_from_db()
    return rel


def demo_gdap(tenants: dict[str, Tenant]) -> None:
    contoso = tenants["contoso.example"]
    admin = User.objects.get(email="admin@contoso.example")
    helpdesk = services.group_create(partner=contoso, actor=admin, name="Helpdesk tier 1",
                                     description="First-line support: users, passwords, service requests.")
    engineers = services.group_create(partner=contoso, actor=admin, name="Escalation engineers",
                                      description="Second line: mail flow, licenses.")
    for group, emails in ((helpdesk, ["helpdesk@contoso.example", "agent@contoso.example"]),
                          (engineers, ["agent@contoso.example", "consultant@contoso.example"])):
        for email in emails:
            services.member_add(group, actor=admin, user=User.objects.get(email=email))
    services.template_save(
        partner=contoso, actor=admin, name="Helpdesk standard", duration="P365D", auto_extend="P180D",
        description="Least-privileged support roles; the helpdesk group gets them on approval.",
        roles=[DIRECTORY_READERS, HELPDESK_ADMINISTRATOR, USER_ADMINISTRATOR],
        assignments=[(helpdesk, [DIRECTORY_READERS, HELPDESK_ADMINISTRATOR])],
    )
    licensing = services.group_create(partner=contoso, actor=admin, name="Licensing",
                                      description="Assigns licenses after purchases.")
    services.member_add(licensing, actor=admin, user=User.objects.get(email="sales@contoso.example"))
    services.group_create(partner=contoso, actor=admin, name="Tier 3 (no members yet)",
                          description="Vendor escalations.")
    services.template_save(
        partner=contoso, actor=admin, name="Full administration (90 days)", duration="P90D",
        description="Onboarding projects; Global Administrator, so no auto-extend.",
        roles=[GLOBAL_ADMINISTRATOR, GLOBAL_READER, LICENSE_ADMINISTRATOR],
        assignments=[(engineers, [GLOBAL_ADMINISTRATOR]), (licensing, [LICENSE_ADMINISTRATOR])],
    )
    adatum = tenants["adatum.example"]
    adatum_admin = User.objects.get(email="admin@adatum.example")
    active = _approved(contoso, admin, adatum, adatum_admin, "Adatum – support", [
        DIRECTORY_READERS, HELPDESK_ADMINISTRATOR, USER_ADMINISTRATOR, LICENSE_ADMINISTRATOR, EXCHANGE_ADMINISTRATOR,
    ], 730, auto_extend=True)
    services.assignment_create(active, actor=admin, security_group=helpdesk,
                               roles=[DIRECTORY_READERS, HELPDESK_ADMINISTRATOR])
    services.assignment_create(active, actor=admin, security_group=engineers,
                               roles=[LICENSE_ADMINISTRATOR, EXCHANGE_ADMINISTRATOR])
    # Approved about three months ago for 100 days: it ends in ten days (the Expiring page shows it).
    expiring = _approved(contoso, admin, adatum, adatum_admin, "Adatum – migration project",
                         [GLOBAL_READER, EXCHANGE_ADMINISTRATOR], 100)
    now = timezone.now()
    AdminRelationship.objects.filter(pk=expiring.pk).update(activated_at=now - timedelta(days=90),
                                                            end_at=now + timedelta(days=10))
    expiring.refresh_from_db()
    services.assignment_create(expiring, actor=admin, security_group=engineers, roles=[EXCHANGE_ADMINISTRATOR])
    locked = services.relationship_lock(expiring)
    services.relationship_transition(locked, to=RelationshipStatus.EXPIRING, kind=GdapEvents.EXPIRING)
    # Müller Bäckerei has not answered yet.
    services.request_relationship(partner=contoso, actor=admin, customer=tenants["müller-bäckerei.example"],
                                  display_name="Müller Bäckerei – support", duration=180,
                                  roles=[DIRECTORY_READERS, HELPDESK_ADMINISTRATOR, USER_ADMINISTRATOR])
    from gdap.demo_customer import gdap_customer_demo

    gdap_customer_demo(tenants)
