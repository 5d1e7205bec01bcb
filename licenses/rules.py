"""The rules of license assignment, as pure functions of plain values (F13).

- Only offers counted per user ("licenses") are assigned to users; devices, instances and storage are
  counted by the service itself and show as not assignable.
- Licenses are assigned only from an active subscription. A suspended or cancelled one keeps its
  assignments (they show as not in use) and may still be unassigned, freeing the seat.
- Never more assigned seats than the purchased quantity: a request that needs more seats than are
  free is refused as a whole, saying how many are free.
- The quantity is never lowered below the assigned seats: the refusal says how many to unassign first.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from partnercenter.errors import Conflict, Invalid

LICENSES_UNIT = "licenses"  # subscriptions.models.UnitType.LICENSES
ACTIVE = "active"  # subscriptions.models.SubscriptionStatus.ACTIVE
SUSPENDED = "suspended"
MAX_USERS_AT_ONCE = 200


def is_user_assignable(unit_type: str) -> bool:
    return unit_type == LICENSES_UNIT


def available(*, quantity: int, assigned: int) -> int:
    """Free seats; never negative (a subscription over-assigned before this rule existed shows 0)."""
    return max(quantity - assigned, 0)


def in_use(status: str) -> bool:
    """Whether the assigned users can use their licenses (the subscription is active)."""
    return status == ACTIVE


def check_assignable(*, unit_type: str, status: str) -> None:
    if not is_user_assignable(unit_type):
        raise Conflict(_("This subscription is not counted per user, so its units are not assigned to users."),
                       field="users")
    if status == SUSPENDED:
        raise Conflict(_("This subscription is suspended. Reactivate it before assigning licenses."), field="users")
    if status != ACTIVE:
        raise Conflict(_("This subscription is cancelled. Its licenses can no longer be assigned."), field="users")


def check_chosen(count: int) -> None:
    if count <= 0:
        raise Invalid(_("Choose at least one user."), field="users")
    if count > MAX_USERS_AT_ONCE:
        raise Invalid(_("Choose at most %(max)d users at once."), params={"max": MAX_USERS_AT_ONCE}, field="users")


def check_seats(*, quantity: int, assigned: int, adding: int) -> None:
    """Refuse the whole request when `adding` new assignments do not fit in the free seats."""
    free = available(quantity=quantity, assigned=assigned)
    if adding > free:
        if free == 0:
            raise Conflict(
                _("Every license of this subscription is assigned (%(assigned)d of %(quantity)d). Unassign a "
                  "license or add licenses to the subscription first."),
                params={"assigned": assigned, "quantity": quantity}, field="users")
        raise Conflict(
            _("Not enough licenses: %(free)d of %(quantity)d are available and the users you chose need "
              "%(chosen)d. Choose fewer users, or add licenses to the subscription first."),
            params={"chosen": adding, "free": free, "quantity": quantity}, field="users")


def check_quantity(*, quantity: int, assigned: int) -> None:
    """A lower quantity must still cover every assigned seat."""
    if quantity < assigned:
        raise Conflict(
            _("%(assigned)d licenses are assigned to users. Unassign %(excess)d of them before lowering the "
              "quantity to %(quantity)d."),
            params={"assigned": assigned, "excess": assigned - quantity, "quantity": quantity}, field="quantity")
