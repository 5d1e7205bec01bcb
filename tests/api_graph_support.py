"""Set-up of the Graph GDAP API tests (tests/test_api_graph*.py): a partner's customer it resells to, with
a Global admin who approves in the Admin center, and a security group of the partner."""

from __future__ import annotations

from dataclasses import dataclass

from customers.services import reseller_relationship_ensure
from gdap import selectors, services
from gdap.models import AdminRelationship, SecurityGroup
from partnercenter.models import Tenant, User
from partnercenter.roles import Role
from tests.factories import TenantFactory, member

BASE = "/v1.0/tenantRelationships/"
RELATIONSHIPS = BASE + "delegatedAdminRelationships"
DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"


@dataclass
class GdapWorld:
    partner: Tenant
    customer: Tenant
    customer_admin: User
    group: SecurityGroup


def gdap_world(partner: Tenant, *, name: str = "Adatum AG") -> GdapWorld:
    customer = TenantFactory(name=name, country=partner.country)
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    group = SecurityGroup.objects.create(partner=partner, name=f"Helpdesk {name}")
    return GdapWorld(partner, customer, member(customer, Role.CUSTOMER_GLOBAL_ADMIN), group)


def approve_in_admin_center(*, relationship_id: object, customer: Tenant, user: User) -> AdminRelationship:
    """What the customer's Global admin does in the Admin center: approve the pending request (the queued
    task may already have run at commit in a transactional test)."""
    approval = selectors.approval_for_customer(customer=customer, relationship_id=relationship_id)
    request = services.approval_submit(user=user, customer=customer, approval_id=approval.pk)
    assert services.approval_process(request_id=str(request.pk)) in ("succeeded", "done-already")
    return AdminRelationship.objects.get(pk=relationship_id)


def relationship_body(world: GdapWorld, name: str, *, roles: tuple[str, ...] = (DIRECTORY_READERS, GLOBAL_READER),
                      duration: str = "P730D", **extra: object) -> dict:
    return {"displayName": name, "duration": duration, "customer": {"tenantId": str(world.customer.pk)},
            "accessDetails": {"unifiedRoles": [{"roleDefinitionId": role} for role in roles]}, **extra}
