"""gdap.access.may(): the truth table (no group, a group without an assignment, an assignment without
the role, an expired relationship, the DAP path, another partner), its query count, tenant isolation of
the selectors and the Customers list summary."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers import selectors as customer_selectors
from customers.models import Service
from customers.services import dap_grant, reseller_relationship_ensure
from gdap import selectors, services
from gdap.access import actions, may
from gdap.models import AdminRelationship, RelationshipStatus
from partnercenter.errors import NotFound
from partnercenter.roles import Role
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = pytest.mark.django_db

HELPDESK_ADMIN = "729827e3-9c14-49f7-bb1b-9608f156bbb8"
DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
RESET = "users.password_reset"


def _active(partner, admin, customer, roles, name="GDAP"):
    customer_admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)
    rel, raw = services.request_relationship(partner=partner, actor=admin, customer=customer, display_name=name,
                                             roles=roles, duration="P30D")
    request = services.approval_submit(raw_token=raw, user=customer_admin, customer=customer)
    assert services.approval_process(request_id=str(request.pk)) == "succeeded"
    rel.refresh_from_db()
    return rel


@pytest.fixture
def setup(partner, partner_admin, customer):
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    rel = _active(partner, partner_admin, customer, [HELPDESK_ADMIN, DIRECTORY_READERS])
    agent = member(partner, Role.SALES_AGENT)  # no DAP level of its own: GDAP only
    group = services.group_create(partner=partner, actor=partner_admin, name="Helpdesk")
    return rel, agent, group


def test_the_actions_come_from_the_catalog():
    assert set(actions()) >= {"users.read", "users.manage", RESET, "licenses.manage", "service_requests.manage",
                              "services.read", "services.manage"}
    with pytest.raises(ValueError):
        may(None, None, None, "users.delete_everything")


def test_no_group(setup, partner, customer):
    _rel, agent, _group = setup
    decision = may(agent, partner, customer, RESET)
    assert not decision and decision.via is None
    assert "Helpdesk Administrator" in decision.missing_roles and "Global Administrator" in decision.missing_roles


def test_a_group_without_an_assignment(setup, partner, partner_admin, customer):
    _rel, agent, group = setup
    services.member_add(group, actor=partner_admin, user=agent)
    assert not may(agent, partner, customer, RESET)


def test_an_assignment_without_the_role(setup, partner, partner_admin, customer):
    rel, agent, group = setup
    services.member_add(group, actor=partner_admin, user=agent)
    services.assignment_create(rel, actor=partner_admin, security_group=group, roles=[DIRECTORY_READERS])
    assert not may(agent, partner, customer, RESET)
    assert may(agent, partner, customer, "users.read").via == "gdap"


def test_an_assignment_with_the_role_then_removed(setup, partner, partner_admin, customer):
    rel, agent, group = setup
    services.member_add(group, actor=partner_admin, user=agent)
    assignment = services.assignment_create(rel, actor=partner_admin, security_group=group, roles=[HELPDESK_ADMIN])
    decision = may(agent, partner, customer, RESET)
    assert decision and decision.via == "gdap" and decision.missing_roles == ()
    services.member_remove(group, actor=partner_admin, user=agent)
    assert not may(agent, partner, customer, RESET)
    services.member_add(group, actor=partner_admin, user=agent)
    services.assignment_delete(assignment, actor=partner_admin, if_match=assignment.etag)
    assert not may(agent, partner, customer, RESET)


def test_an_expired_relationship(setup, partner, partner_admin, customer):
    rel, agent, group = setup
    services.member_add(group, actor=partner_admin, user=agent)
    services.assignment_create(rel, actor=partner_admin, security_group=group, roles=[HELPDESK_ADMIN])
    assert may(agent, partner, customer, RESET, now=rel.end_at - timedelta(seconds=1))
    assert not may(agent, partner, customer, RESET, now=rel.end_at)  # past its end before the sweep ran
    AdminRelationship.objects.filter(pk=rel.pk).update(status=RelationshipStatus.EXPIRED)
    assert not may(agent, partner, customer, RESET)


def test_a_user_who_left_the_partner(setup, partner, partner_admin, customer):
    rel, agent, group = setup
    services.member_add(group, actor=partner_admin, user=agent)
    services.assignment_create(rel, actor=partner_admin, security_group=group, roles=[HELPDESK_ADMIN])
    agent.memberships.update(is_active=False)
    assert not may(agent, partner, customer, RESET)


def test_the_dap_path(partner, customer):
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    dap_grant(partner=partner, customer=customer, services=[Service.PRODUCTIVITY], reassign=False, actor=None)
    admin_agent = member(partner, Role.ADMIN_AGENT)
    helpdesk = member(partner, Role.HELPDESK_AGENT)
    sales = member(partner, Role.SALES_AGENT)
    assert may(admin_agent, partner, customer, "users.manage").via == "dap"
    assert may(helpdesk, partner, customer, RESET).via == "dap"  # limited administration
    assert not may(helpdesk, partner, customer, "users.manage")
    assert not may(sales, partner, customer, RESET)
    other_customer = TenantFactory()
    assert not may(admin_agent, partner, other_customer, "users.manage")


def test_dap_per_service(partner, customer):
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    dap_grant(partner=partner, customer=customer, services=[Service.INFRASTRUCTURE], reassign=False, actor=None)
    admin_agent = member(partner, Role.ADMIN_AGENT)
    assert may(admin_agent, partner, customer, "services.manage").via == "dap"
    assert not may(admin_agent, partner, customer, "users.manage")  # the directory is the productivity suite's


def test_another_partner(setup, partner, partner_admin, customer):
    rel, agent, group = setup
    services.member_add(group, actor=partner_admin, user=agent)
    services.assignment_create(rel, actor=partner_admin, security_group=group, roles=[HELPDESK_ADMIN])
    other = PartnerFactory()
    member(other, Role.SALES_AGENT)
    agent_elsewhere = member(other, Role.ADMIN_AGENT)
    assert not may(agent_elsewhere, other, customer, RESET)
    # The agent is a member of the other partner too: acting for it gives nothing of the first's access.
    from partnercenter.models import Membership

    Membership.objects.create(user=agent, tenant=other, role=Role.ADMIN_AGENT)
    assert not may(agent, other, customer, RESET)
    assert may(agent, partner, customer, RESET)


def test_a_fixed_number_of_queries(setup, partner, partner_admin, customer):
    rel, agent, group = setup
    services.member_add(group, actor=partner_admin, user=agent)
    services.assignment_create(rel, actor=partner_admin, security_group=group, roles=[HELPDESK_ADMIN])
    with CaptureQueriesContext(connection) as allowed:
        assert may(agent, partner, customer, RESET)
    with CaptureQueriesContext(connection) as refused:
        assert not may(agent, partner, customer, "licenses.manage")
    assert len(allowed) <= 3 and len(refused) <= 4


def test_visible_to_and_foreign_ids(setup, partner, customer):
    rel, _agent, group = setup
    other_partner, other_customer = PartnerFactory(), TenantFactory()
    assert list(AdminRelationship.objects.visible_to(partner)) == [rel]
    assert list(AdminRelationship.objects.visible_to(customer)) == [rel]
    assert not AdminRelationship.objects.visible_to(other_partner).exists()
    assert not AdminRelationship.objects.visible_to(other_customer).exists()
    for tenant in (other_partner, other_customer):
        with pytest.raises(NotFound):
            selectors.relationship_get(tenant=tenant, relationship_id=rel.pk)
    with pytest.raises(NotFound):
        selectors.security_group_get(tenant=other_partner, group_id=group.pk)
    with pytest.raises(NotFound):
        selectors.security_group_get(tenant=customer, group_id=group.pk)
    assert selectors.security_group_get(tenant=partner, group_id=group.pk) == group


def test_the_customers_list_summary_in_one_query(setup, partner, partner_admin, customer):
    rel, _agent, _group = setup
    second = TenantFactory()
    reseller_relationship_ensure(partner=partner, customer=second, actor=None)
    services.request_relationship(partner=partner, actor=partner_admin, customer=second, display_name="Pending",
                                  roles=[DIRECTORY_READERS], duration="P30D")
    expiring = _active(partner, partner_admin, second, [DIRECTORY_READERS], name="Soon")
    AdminRelationship.objects.filter(pk=expiring.pk).update(status=RelationshipStatus.EXPIRING)
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    with CaptureQueriesContext(connection) as queries:
        page = customer_selectors.customers_page(partner=partner, gdap=True)
    assert len(queries) == 1  # the counts come with the rows
    assert {row.customer_id: row.gdap for row in page.rows} == {
        customer.pk: {"active": 1, "expiring": 0, "pending": 0}, second.pk: {"active": 0, "expiring": 1, "pending": 1}}
    other = PartnerFactory()  # another partner of the same customer counts only its own relationships
    reseller_relationship_ensure(partner=other, customer=customer, actor=None)
    assert [row.gdap for row in customer_selectors.customers_page(partner=other, gdap=True).rows] == [
        {"active": 0, "expiring": 0, "pending": 0}]
    ending = selectors.expiring_within(partner=partner, days=30, now=timezone.now())
    assert {r.pk for r in ending} == {rel.pk, expiring.pk}
    assert not selectors.expiring_within(partner=partner, days=10).exists()
