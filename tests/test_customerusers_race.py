"""Customer users on PostgreSQL: two agents adding the same user name at once — one wins, the other gets the
"taken" message beside the field (User.email's unique index decides); two agents removing each other's last
spare Global admin at once leave one (the customer row lock)."""

from __future__ import annotations

import pytest

from customers.models import Service
from customers.services import dap_grant, reseller_relationship_ensure
from customerusers import services
from partnercenter.errors import Conflict
from partnercenter.models import ActivityLog, Membership, User
from partnercenter.roles import Role
from tests.concurrency import outcomes, race, require_postgres
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    require_postgres()
    partner = PartnerFactory()
    customer = TenantFactory(primary_domain="adatum.example")
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    dap_grant(partner=partner, customer=customer, services=[Service.PRODUCTIVITY], reassign=False, actor=None)
    agents = [member(partner, Role.ADMIN_AGENT), member(partner, Role.ADMIN_AGENT)]
    return partner, customer, agents


def test_two_agents_adding_the_same_user_name_at_once(world):
    partner, customer, agents = world

    def act(i: int) -> str:
        issued = services.customer_user_add(partner=partner, customer=customer, actor=agents[i],
                                            first_name=f"Anna {i}", last_name="", user_name="Anna.Schmidt",
                                            domain="adatum.example", role=Role.CUSTOMER_USER)
        return issued.user.email

    results = race(2, act)
    assert outcomes(results) == {"ok": 1, "Conflict": 1}
    loser = next(value for kind, value in results if kind == "error")
    assert isinstance(loser, Conflict) and loser.field == "user_name" and "taken" in loser.message
    assert User.objects.filter(email="anna.schmidt@adatum.example").count() == 1
    assert Membership.objects.filter(tenant=customer).count() == 1
    assert ActivityLog.objects.filter(kind="customer_user.added").count() == 2  # the winner's: partner + customer


def test_two_agents_deleting_the_two_global_admins_at_once_leave_one(world):
    partner, customer, agents = world
    admins = [member(customer, Role.CUSTOMER_GLOBAL_ADMIN), member(customer, Role.CUSTOMER_GLOBAL_ADMIN)]

    def act(i: int) -> None:
        services.customer_user_delete(partner=partner, customer=customer, actor=agents[i], user_id=admins[i].pk)

    assert outcomes(race(2, act)) == {"ok": 1, "Conflict": 1}
    assert Membership.objects.filter(tenant=customer, role=Role.CUSTOMER_GLOBAL_ADMIN).count() == 1
