"""Shared set-up of the partner GDAP page tests: a partner with a customer (two Global admins, German
and Hungarian), a pending and an active relationship, a security group; the approval-page URLconf."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from customers.services import reseller_relationship_ensure
from gdap import services
from gdap.models import AdminRelationship, SecurityGroup
from partnercenter.models import Tenant, User
from partnercenter.roles import Role
from tests.factories import member

DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
USER_ADMINISTRATOR = "fe930be7-5e62-47db-91af-98c3a49a38b1"


@pytest.fixture
def approval_urls(settings):  # noqa: ANN001, ANN201
    settings.ROOT_URLCONF = "tests.gdap_partner_urls"


@dataclass
class World:
    partner: Tenant
    admin: User
    customer: Tenant
    customer_admins: list[User]
    pending: AdminRelationship
    active: AdminRelationship
    group: SecurityGroup


def relationship_request(world_partner: Tenant, actor: User, customer: Tenant, name: str, roles: list[str],
                         **kwargs) -> tuple[AdminRelationship, str]:  # noqa: ANN003
    return services.request_relationship(partner=world_partner, actor=actor, customer=customer, display_name=name,
                                         roles=roles, duration=kwargs.pop("duration", "P90D"), **kwargs)


def approve(raw: str, user: User, customer: Tenant) -> None:
    request = services.approval_submit(raw_token=raw, user=user, customer=customer)
    # In a transactional test the queued task may have run at commit already.
    assert services.approval_process(request_id=str(request.pk)) in ("succeeded", "done-already")
    assert AdminRelationship.objects.get(pk=request.relationship_id).status == "active"


def build_world(partner: Tenant, admin: User, customer: Tenant) -> World:
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    admins = [member(customer, Role.CUSTOMER_GLOBAL_ADMIN, email="ga-de@adatum.example", language="de"),
              member(customer, Role.CUSTOMER_GLOBAL_ADMIN, email="ga-hu@adatum.example", language="hu")]
    pending, _raw = relationship_request(partner, admin, customer, "Adatum pending", [DIRECTORY_READERS])
    active, raw = relationship_request(partner, admin, customer, "Adatum support",
                                       [GLOBAL_ADMINISTRATOR, DIRECTORY_READERS, GLOBAL_READER])
    approve(raw, admins[0], customer)
    active.refresh_from_db()
    group = services.group_create(partner=partner, actor=None, name="Helpdesk tier 1")
    return World(partner, admin, customer, admins, pending, active, group)


@pytest.fixture
def world(partner, partner_admin, customer, approval_urls) -> World:  # noqa: ANN001
    return build_world(partner, partner_admin, customer)
