"""licenses.services: assigning (all or nothing, idempotent per user, only the customer's active users,
only active per-user subscriptions), unassigning, the quantity change that keeps every assigned seat,
the role and admin-permission checks, the activity entries of both tenants and the mail in the user's
language."""

from __future__ import annotations

import pytest

from licenses import services
from licenses.models import LicenseAssignment
from partnercenter.activity import describe
from partnercenter.errors import Code, Conflict, Forbidden, Invalid, NotFound
from partnercenter.models import ActivityLog, Membership, OutboxEmail
from partnercenter.roles import Role
from subscriptions.models import EventKind
from subscriptions.services import subscription_quantity_change, subscription_status_change
from tests.factories import TenantFactory, member
from tests.licenses_support import world

pytestmark = pytest.mark.django_db


def assign(w, users, subscription=None, actor=None):  # noqa: ANN001, ANN201
    return services.licenses_assign(partner=w.partner, customer=w.customer, actor=actor or w.agent,
                                    subscription_id=(subscription or w.mail).id, user_ids=[u.pk for u in users])


def holders(subscription) -> set[str]:  # noqa: ANN001
    return set(LicenseAssignment.objects.filter(subscription=subscription)
               .values_list("membership__user__email", flat=True))


def test_assigning_records_who_and_when_and_one_entry_per_request_in_both_logs():
    w = world()
    result = assign(w, w.users[:2])
    assert result.assigned == ["Anna Auer", "Bela Balogh"] and result.already == []
    assert holders(w.mail) == {"anna@adatum.example", "bela@adatum.example"}
    row = LicenseAssignment.objects.filter(subscription=w.mail).first()
    assert row.assigned_by == w.agent and row.assigned_at is not None
    assert row.membership.tenant == w.customer and row.membership.role == Role.CUSTOMER_USER
    entries = ActivityLog.objects.filter(kind="license.assigned")
    assert sorted(e.tenant_id for e in entries) == sorted([w.partner.id, w.customer.id])
    for entry in entries:
        assert entry.customer == w.customer and entry.actor == w.agent
        assert entry.data["users"] == "Anna Auer, Bela Balogh" and entry.data["subscription_id"] == str(w.mail.id)
        assert describe(entry) == "Business Mail Basic for Adatum AG: a license was assigned to Anna Auer, Bela Balogh."


def test_the_assigned_users_get_a_mail_in_their_language():
    w = world()
    assign(w, w.users[:2])
    mails = {m.to_email: m for m in OutboxEmail.objects.filter(kind="licenses/license_assigned")}
    assert set(mails) == {"anna@adatum.example", "bela@adatum.example"}
    assert mails["anna@adatum.example"].language == "de" and mails["bela@adatum.example"].language == "hu"
    assert "Business Mail Basic" in mails["anna@adatum.example"].subject
    assert "Contoso Cloud GmbH" in mails["bela@adatum.example"].body


def test_more_users_than_free_seats_is_refused_as_a_whole_with_the_count():
    w = world(seats=2)
    with pytest.raises(Conflict) as caught:
        assign(w, w.users)
    assert "2 of 2 are available and the users you chose need 3" in caught.value.message
    assert caught.value.field == "users"
    assert holders(w.mail) == set() and not ActivityLog.objects.filter(kind="license.assigned").exists()
    assert not OutboxEmail.objects.filter(kind="licenses/license_assigned").exists()
    assign(w, w.users[:2])
    with pytest.raises(Conflict, match=r"Every license of this subscription is assigned \(2 of 2\)"):
        assign(w, w.users[2:])


def test_assigning_again_is_idempotent_and_counts_only_the_new_users():
    w = world(seats=2)
    assign(w, w.users[:1])
    result = assign(w, w.users[:2])  # Anna again, and Bela
    assert result.assigned == ["Bela Balogh"] and result.already == ["Anna Auer"]
    result = assign(w, w.users[:2])
    assert result.assigned == [] and result.already == ["Anna Auer", "Bela Balogh"]
    assert LicenseAssignment.objects.filter(subscription=w.mail).count() == 2
    assert ActivityLog.objects.filter(kind="license.assigned", tenant=w.partner).count() == 2


def test_a_user_with_two_roles_holds_one_license_on_their_oldest_membership():
    w = world()
    Membership.objects.create(user=w.customer_admin, tenant=w.customer, role=Role.CUSTOMER_USER)
    assign(w, [w.customer_admin, w.customer_admin])
    assign(w, [w.customer_admin])
    row = LicenseAssignment.objects.get(subscription=w.mail)
    assert row.membership.role == Role.CUSTOMER_GLOBAL_ADMIN


def test_a_user_of_another_customer_or_a_partner_user_or_a_blocked_user_is_not_found():
    w = world()
    stranger = member(TenantFactory(), Role.CUSTOMER_USER)
    Membership.objects.filter(user=w.users[2]).update(is_active=False)
    for outsider in (stranger, w.admin, w.users[2]):
        with pytest.raises(NotFound) as caught:
            assign(w, [w.users[0], outsider])
        assert caught.value.field == "users"
    assert holders(w.mail) == set()


def test_another_partners_or_customers_subscription_is_not_found():
    w, other = world(), world(prefix="o-", partner_name="Other Partner", customer_name="Other Customer")
    with pytest.raises(NotFound):
        assign(w, w.users[:1], subscription=other.mail)
    with pytest.raises(NotFound):
        services.licenses_assign(partner=w.partner, customer=w.customer, actor=w.agent, subscription_id="nonsense",
                                 user_ids=[w.users[0].pk])


@pytest.mark.parametrize(("change", "words"), [(EventKind.SUSPENDED, "suspended"), (EventKind.CANCELLED, "cancelled")])
def test_a_suspended_or_cancelled_subscription_keeps_its_assignments_and_assigns_no_more(change, words):
    w = world(seats=2)
    assign(w, w.users[:1])
    subscription_status_change(subscription=w.mail, actor=w.admin, change=change, version=w.mail.version)
    with pytest.raises(Conflict, match=words):
        assign(w, w.users[1:2])
    assert holders(w.mail) == {"anna@adatum.example"}
    assert services.license_unassign(partner=w.partner, customer=w.customer, actor=w.agent,
                                     subscription_id=w.mail.id, user_id=w.users[0].pk)
    assert holders(w.mail) == set()


def test_units_not_counted_per_user_are_not_assigned():
    w = world()
    with pytest.raises(Conflict, match="not counted per user"):
        assign(w, w.users[:1], subscription=w.devices)


def test_choosing_nobody_is_invalid():
    w = world()
    with pytest.raises(Invalid, match="Choose at least one user"):
        assign(w, [])


def test_unassigning_frees_the_seat_once_and_logs_the_name():
    w = world(seats=1)
    assign(w, w.users[:1])
    assert services.license_unassign(partner=w.partner, customer=w.customer, actor=w.agent,
                                     subscription_id=w.mail.id, user_id=w.users[0].pk)
    assert not services.license_unassign(partner=w.partner, customer=w.customer, actor=w.agent,
                                         subscription_id=w.mail.id, user_id=w.users[0].pk)
    entries = ActivityLog.objects.filter(kind="license.unassigned")
    assert entries.count() == 2 and {e.data["users"] for e in entries} == {"Anna Auer"}
    assign(w, w.users[1:2])  # the freed seat is available again
    assert holders(w.mail) == {"bela@adatum.example"}


def test_roles_without_licenses_manage_and_partners_without_admin_permissions_are_forbidden():
    w = world()
    for actor in (w.helpdesk, w.sales, w.customer_admin):
        with pytest.raises(Forbidden):
            assign(w, w.users[:1], actor=actor)
    no_dap = world(dap=False, prefix="n-", partner_name="No DAP Partner", customer_name="No DAP Customer")
    with pytest.raises(Forbidden) as caught:
        assign(no_dap, no_dap.users[:1])
    assert caught.value.code == Code.FORBIDDEN and "admin permissions" in caught.value.message
    with pytest.raises(Forbidden):
        services.license_unassign(partner=no_dap.partner, customer=no_dap.customer, actor=no_dap.agent,
                                  subscription_id=no_dap.mail.id, user_id=no_dap.users[0].pk)


def test_the_quantity_is_not_lowered_below_the_assigned_seats():
    w = world(seats=3)
    assign(w, w.users)
    with pytest.raises(Conflict) as caught:
        subscription_quantity_change(subscription=w.mail, actor=w.admin, quantity=1, version=w.mail.version)
    assert caught.value.message == ("3 licenses are assigned to users. Unassign 2 of them before lowering the "
                                    "quantity to 1.")
    assert caught.value.field == "quantity"
    w.mail.refresh_from_db()
    assert w.mail.quantity == 3
    changed = subscription_quantity_change(subscription=w.mail, actor=w.admin, quantity=5, version=w.mail.version)
    assert changed.quantity == 5
    changed = subscription_quantity_change(subscription=changed, actor=w.admin, quantity=3, version=changed.version)
    assert changed.quantity == 3


def test_deleting_the_membership_frees_the_seat():
    w = world(seats=1)
    assign(w, w.users[:1])
    Membership.objects.filter(user=w.users[0], tenant=w.customer).delete()
    assert LicenseAssignment.objects.count() == 0


def test_the_demo_has_a_full_subscription_and_one_with_free_seats():
    from partnercenter.demo import demo_load
    from subscriptions.models import Subscription

    assert demo_load() is True
    seats = {s.offer.sku: (s.quantity, s.license_assignments.count())
             for s in Subscription.objects.filter(customer__primary_domain="adatum.example").select_related("offer")}
    assert seats["phone-addon"] == (3, 3) and seats["office-standard"] == (45, 6) and seats["security-addon"][1] == 0
