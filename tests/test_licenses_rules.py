"""licenses.rules: which offers are assigned to users, free seats, the status gate, the seat and quantity
refusals with their numbers."""

from __future__ import annotations

import pytest

from licenses import rules
from partnercenter.errors import Code, Conflict, Invalid


@pytest.mark.parametrize(("unit", "assignable"), [("licenses", True), ("devices", False), ("instances", False),
                                                   ("storage", False)])
def test_only_per_user_offers_are_assignable(unit, assignable):
    assert rules.is_user_assignable(unit) is assignable


def test_available_never_goes_below_zero():
    assert rules.available(quantity=5, assigned=2) == 3
    assert rules.available(quantity=5, assigned=5) == 0
    assert rules.available(quantity=3, assigned=5) == 0


def test_only_an_active_subscription_assigns_and_is_in_use():
    rules.check_assignable(unit_type="licenses", status="active")
    assert rules.in_use("active") and not rules.in_use("suspended") and not rules.in_use("cancelled")
    for status, words in (("suspended", "Reactivate it"), ("cancelled", "cancelled")):
        with pytest.raises(Conflict) as caught:
            rules.check_assignable(unit_type="licenses", status=status)
        assert words in caught.value.message and caught.value.field == "users"
    with pytest.raises(Conflict, match="not counted per user"):
        rules.check_assignable(unit_type="devices", status="active")


def test_choosing_nobody_or_too_many_is_invalid():
    rules.check_chosen(1)
    rules.check_chosen(rules.MAX_USERS_AT_ONCE)
    for count in (0, rules.MAX_USERS_AT_ONCE + 1):
        with pytest.raises(Invalid) as caught:
            rules.check_chosen(count)
        assert caught.value.code == Code.INVALID and caught.value.field == "users"


def test_the_seats_fit_exactly_or_the_whole_request_is_refused_with_the_numbers():
    rules.check_seats(quantity=5, assigned=3, adding=2)
    with pytest.raises(Conflict) as caught:
        rules.check_seats(quantity=5, assigned=3, adding=3)
    assert caught.value.message == ("Not enough licenses: 2 of 5 are available and the users you chose need 3. "
                                    "Choose fewer users, or add licenses to the subscription first.")
    with pytest.raises(Conflict) as caught:
        rules.check_seats(quantity=5, assigned=5, adding=1)
    assert "Every license of this subscription is assigned (5 of 5)" in caught.value.message
    assert caught.value.status == 409 and caught.value.field == "users"


def test_the_quantity_covers_every_assigned_seat():
    rules.check_quantity(quantity=4, assigned=4)
    rules.check_quantity(quantity=9, assigned=0)
    with pytest.raises(Conflict) as caught:
        rules.check_quantity(quantity=3, assigned=5)
    assert caught.value.message == ("5 licenses are assigned to users. Unassign 2 of them before lowering the "
                                    "quantity to 3.")
    assert caught.value.field == "quantity"
