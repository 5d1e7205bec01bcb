"""gdap.access.customers_where_may(): for every action it names exactly the customers for which may()
allows — DAP (per service and per partner role), GDAP covering the action, GDAP not covering it, an
expired relationship, a relationship past its end, no access at all, a user who left, another partner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import Service
from customers.services import dap_grant, reseller_relationship_ensure
from gdap import services
from gdap.access import actions, customers_where_may, may
from gdap.models import AdminRelationship, RelationshipStatus
from partnercenter.models import Membership, Tenant
from partnercenter.roles import Role
from tests.factories import PartnerFactory, TenantFactory, member
from tests.test_gdap_access import DIRECTORY_READERS, HELPDESK_ADMIN, _active

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(partner, partner_admin):
    """Customers in each state and the partner's users; `group` holds the GDAP agents."""
    customers = {name: TenantFactory(name=name) for name in (
        "dap productivity", "dap infrastructure", "gdap covering", "gdap not covering", "expired", "past its end",
        "nothing")}
    for customer in customers.values():
        reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    dap_grant(partner=partner, customer=customers["dap productivity"], services=[Service.PRODUCTIVITY],
              reassign=False, actor=None)
    dap_grant(partner=partner, customer=customers["dap infrastructure"], services=[Service.INFRASTRUCTURE],
              reassign=False, actor=None)
    group = services.group_create(partner=partner, actor=partner_admin, name="Helpdesk")
    roles = {"gdap covering": [HELPDESK_ADMIN], "gdap not covering": [DIRECTORY_READERS],
             "expired": [HELPDESK_ADMIN], "past its end": [HELPDESK_ADMIN]}
    for name, assigned in roles.items():
        rel = _active(partner, partner_admin, customers[name], [HELPDESK_ADMIN, DIRECTORY_READERS], name=name)
        services.assignment_create(rel, actor=partner_admin, security_group=group, roles=assigned)
        if name == "expired":
            AdminRelationship.objects.filter(pk=rel.pk).update(status=RelationshipStatus.EXPIRED)
        if name == "past its end":  # the sweep has not run yet
            AdminRelationship.objects.filter(pk=rel.pk).update(end_at=timezone.now() - timedelta(minutes=1))
    users = {"global admin": partner_admin, "admin agent": member(partner, Role.ADMIN_AGENT),
             "helpdesk": member(partner, Role.HELPDESK_AGENT), "sales in group": member(partner, Role.SALES_AGENT),
             "sales outside": member(partner, Role.SALES_AGENT), "helpdesk in group": member(partner, Role.HELPDESK_AGENT),
             "left": member(partner, Role.ADMIN_AGENT)}
    for name in ("sales in group", "helpdesk in group", "left"):
        services.member_add(group, actor=partner_admin, user=users[name])
    Membership.objects.filter(user=users["left"], tenant=partner).update(is_active=False)
    return customers, users


def test_it_agrees_with_may_for_every_action_user_and_customer(scene, partner):
    customers, users = scene
    seen = set()
    for action in actions():
        for user_name, user in users.items():
            where = set(Tenant.objects.filter(pk__in=customers_where_may(user, partner, action))
                        .values_list("pk", flat=True))
            for name, customer in customers.items():
                decision = may(user, partner, customer, action)
                assert (customer.pk in where) == bool(decision), (action, user_name, name, decision.via)
                seen.add((name, decision.via))
            assert where <= {customer.pk for customer in customers.values()}
    # The scene reaches every branch: DAP, GDAP and refusals of each kind.
    assert {("dap productivity", "dap"), ("dap infrastructure", "dap"), ("gdap covering", "gdap"),
            ("gdap not covering", "gdap"), ("gdap not covering", None), ("expired", None), ("past its end", None),
            ("nothing", None)} <= seen


def test_spot_checks(scene, partner):
    customers, users = scene

    def names(user, action: str) -> set[str]:  # noqa: ANN001
        ids = set(customers_where_may(user, partner, action).values_list("pk", flat=True))
        return {name for name, customer in customers.items() if customer.pk in ids}

    manage = "service_requests.manage"
    assert names(users["sales in group"], manage) == {"gdap covering"}
    assert names(users["sales outside"], manage) == set()
    assert names(users["helpdesk"], manage) == {"dap productivity", "dap infrastructure"}
    assert names(users["helpdesk in group"], manage) == {"dap productivity", "dap infrastructure", "gdap covering"}
    assert names(users["admin agent"], "users.manage") == {"dap productivity"}
    assert names(users["helpdesk"], "users.manage") == set()  # limited administration
    assert names(users["left"], manage) == set()


def test_now_another_partner_and_nobody(scene, partner):
    customers, users = scene
    agent = users["sales in group"]
    rel = AdminRelationship.objects.get(customer=customers["gdap covering"])
    later = rel.end_at + timedelta(seconds=1)
    assert not customers_where_may(agent, partner, "service_requests.manage", now=later).exists()
    assert not may(agent, partner, customers["gdap covering"], "service_requests.manage", now=later)
    other = PartnerFactory()
    Membership.objects.create(user=agent, tenant=other, role=Role.ADMIN_AGENT)
    assert not customers_where_may(agent, other, "service_requests.manage").exists()
    assert not customers_where_may(None, partner, "service_requests.manage").exists()
    assert not customers_where_may(agent, None, "service_requests.manage").exists()
    assert not customers_where_may(agent, customers["nothing"], "service_requests.manage").exists()
    with pytest.raises(ValueError):
        customers_where_may(agent, partner, "users.delete_everything")


def test_one_query_as_a_filter(scene, partner):
    _customers, users = scene
    with CaptureQueriesContext(connection) as queries:
        list(Tenant.objects.filter(pk__in=customers_where_may(users["helpdesk in group"], partner,
                                                               "service_requests.manage")))
    assert len(queries) == 1
