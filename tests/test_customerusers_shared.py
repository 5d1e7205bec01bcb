"""An account that belongs to other organisations too (another partner's Global admin who is also a user at
this customer): a partner acting for this customer neither resets its password nor renames it — the password
and the name are the other organisation's as well (review finding: a Helpdesk agent could take the account
over). A role change keeps the user's licenses even when it removes a second membership row."""

from __future__ import annotations

import pytest

from customerusers import services
from licenses.models import LicenseAssignment
from partnercenter.errors import Conflict
from partnercenter.models import Membership, User
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, member
from tests.licenses_support import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared():
    """Adatum (DAP through Contoso); Fabrikam's Global admin also holds a User membership at Adatum."""
    w = world()
    fabrikam = PartnerFactory(name="Fabrikam")
    victim = member(fabrikam, Role.GLOBAL_ADMIN, email="boss@fabrikam.example")
    Membership.objects.create(user=victim, tenant=w.customer, role=Role.CUSTOMER_USER)
    victim.first_name, victim.last_name = "Bea", "Boss"
    victim.set_password("the-owners-password")
    victim.save()
    return w, victim


def test_nobody_acting_for_the_customer_resets_the_password_of_a_shared_account(shared):
    w, victim = shared
    for actor in (w.helpdesk, w.agent, w.admin):
        with pytest.raises(Conflict) as refused:
            services.customer_user_password_reset(partner=w.partner, customer=w.customer, actor=actor,
                                                  user_id=victim.pk)
        assert "another organisation" in str(refused.value.message)
        client = client_for(actor)
        page = client.get(f"/customers/{w.customer.id}/users/{victim.pk}/").content.decode()
        assert "Reset password" not in page
        response = client.post(f"/customers/{w.customer.id}/users/{victim.pk}/reset-password/")
        assert response.status_code == 409 and "another organisation" in response.content.decode()
    victim.refresh_from_db()
    assert victim.check_password("the-owners-password") and not victim.must_change_password


def test_an_account_of_this_customer_alone_can_still_be_reset(shared):
    w, _victim = shared
    issued = services.customer_user_password_reset(partner=w.partner, customer=w.customer, actor=w.helpdesk,
                                                   user_id=w.users[0].pk)
    assert User.objects.get(pk=w.users[0].pk).check_password(issued.temporary_password)


def test_a_shared_account_keeps_its_name_but_its_role_here_may_change(shared):
    w, victim = shared
    with pytest.raises(Conflict) as refused:
        services.customer_user_update(partner=w.partner, customer=w.customer, actor=w.agent, user_id=victim.pk,
                                      first_name="Mallory", last_name="", role=Role.CUSTOMER_USER)
    assert refused.value.field == "first_name"
    victim.refresh_from_db()
    assert victim.first_name != "Mallory"
    assert services.customer_user_update(partner=w.partner, customer=w.customer, actor=w.agent, user_id=victim.pk,
                                         first_name=victim.first_name, last_name=victim.last_name,
                                         role=Role.CUSTOMER_GLOBAL_ADMIN)
    assert Membership.objects.get(user=victim, tenant=w.customer).role == Role.CUSTOMER_GLOBAL_ADMIN


def test_a_role_change_that_drops_a_second_membership_row_keeps_the_licenses(shared):
    w, _victim = shared
    user = w.users[0]
    as_user = Membership.objects.get(user=user, tenant=w.customer)
    as_admin = Membership.objects.create(user=user, tenant=w.customer, role=Role.CUSTOMER_GLOBAL_ADMIN)
    LicenseAssignment.objects.create(subscription=w.mail, membership=as_user)
    # The user keeps the Global admin row; the User row (which holds the license) goes.
    services.customer_user_update(partner=w.partner, customer=w.customer, actor=w.agent, user_id=user.pk,
                                  first_name=user.first_name, last_name=user.last_name,
                                  role=Role.CUSTOMER_GLOBAL_ADMIN)
    assert not Membership.objects.filter(pk=as_user.pk).exists()
    assert list(LicenseAssignment.objects.filter(subscription=w.mail).values_list("membership", flat=True)) == [
        as_admin.pk]
