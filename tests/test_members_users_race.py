"""Partner users on PostgreSQL: two Global admins demoting or deactivating each other at once leave one
active Global admin (the tenant row lock serialises members' changes)."""

from __future__ import annotations

import pytest

from members.services.roles import member_deactivate, member_roles_set
from partnercenter.models import Membership
from partnercenter.roles import Role
from tests.concurrency import outcomes, race, require_postgres
from tests.factories import PartnerFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("change", ["demote", "deactivate"])
def test_two_global_admins_removing_each_other_leave_one(change):
    require_postgres()
    partner = PartnerFactory()
    admins = [member(partner, Role.GLOBAL_ADMIN), member(partner, Role.GLOBAL_ADMIN)]
    actor_roles = frozenset({Role.GLOBAL_ADMIN})

    def act(i: int) -> None:
        actor, target = admins[i], admins[1 - i]
        if change == "demote":
            member_roles_set(tenant=partner, actor=actor, actor_roles=actor_roles, user_id=target.pk,
                             roles=[Role.ADMIN_AGENT])
        else:
            member_deactivate(tenant=partner, actor=actor, actor_roles=actor_roles, user_id=target.pk)

    results = outcomes(race(2, act))
    assert results == {"ok": 1, "Conflict": 1}
    assert Membership.objects.filter(tenant=partner, role=Role.GLOBAL_ADMIN, is_active=True).count() == 1
