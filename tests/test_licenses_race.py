"""Licenses on PostgreSQL: two requests for the last seat at once give it to one user, the other gets
the clear refusal; an assignment and a lower quantity at once never leave more seats assigned than
purchased (the subscription row lock serialises them)."""

from __future__ import annotations

import pytest

from licenses.models import LicenseAssignment
from licenses.services import licenses_assign
from subscriptions.models import Subscription
from subscriptions.services import subscription_quantity_change
from tests.concurrency import outcomes, race, require_postgres
from tests.licenses_support import world

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_requests_for_the_last_seat_one_wins_the_other_is_told():
    require_postgres()
    w = world(seats=2)
    licenses_assign(partner=w.partner, customer=w.customer, actor=w.admin, subscription_id=w.mail.id,
                    user_ids=[w.users[0].pk])
    actors = [w.admin, w.agent]
    contenders = w.users[1:3]

    def act(i: int) -> None:
        licenses_assign(partner=w.partner, customer=w.customer, actor=actors[i], subscription_id=w.mail.id,
                        user_ids=[contenders[i].pk])

    results = race(2, act)
    assert outcomes(results) == {"ok": 1, "Conflict": 1}
    refusal = next(value for kind, value in results if kind == "error")
    assert "Every license of this subscription is assigned (2 of 2)" in refusal.message
    assert refusal.field == "users"
    assert LicenseAssignment.objects.filter(subscription=w.mail).count() == 2


def test_a_bulk_assignment_racing_a_lower_quantity_never_over_assigns():
    require_postgres()
    w = world(seats=3)

    def act(i: int) -> None:
        if i == 0:
            licenses_assign(partner=w.partner, customer=w.customer, actor=w.agent, subscription_id=w.mail.id,
                            user_ids=[u.pk for u in w.users])
        else:
            subscription_quantity_change(subscription=Subscription.objects.get(pk=w.mail.pk), actor=w.admin,
                                         quantity=1, version=w.mail.version)

    results = outcomes(race(2, act))
    assert results == {"ok": 1, "Conflict": 1}
    w.mail.refresh_from_db()
    assigned = LicenseAssignment.objects.filter(subscription=w.mail).count()
    assert assigned <= w.mail.quantity
    assert (w.mail.quantity, assigned) in {(3, 3), (1, 0)}
