"""Rules of service requests (pure functions): which status may follow which, who may be assigned."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from partnercenter.errors import Conflict, Invalid
from partnercenter.roles import Perm, permissions_for
from servicerequests.models import Status

# Closed is final; a resolved request may be reopened (In progress) by the partner.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.IN_PROGRESS, Status.WAITING_FOR_CUSTOMER, Status.RESOLVED, Status.CLOSED}),
    Status.IN_PROGRESS: frozenset({Status.WAITING_FOR_CUSTOMER, Status.RESOLVED, Status.CLOSED}),
    Status.WAITING_FOR_CUSTOMER: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED}),
    Status.RESOLVED: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}
assert set(TRANSITIONS) == set(Status.values)
OPEN = frozenset({Status.NEW, Status.IN_PROGRESS, Status.WAITING_FOR_CUSTOMER})


def next_statuses(current: str) -> list[str]:
    """The statuses a request in `current` may move to, in the order of Status."""
    return [value for value in Status.values if value in TRANSITIONS.get(current, frozenset())]


def check_transition(current: str, wanted: str) -> None:
    if wanted not in Status.values:
        raise Invalid(_("Choose one of the statuses."), field="status")
    if current == Status.CLOSED:
        raise Conflict(_("This service request is closed; its status can no longer change."), field="status")
    if wanted not in TRANSITIONS[current]:
        raise Conflict(_("A service request that is %(current)s cannot become %(wanted)s."), field="status",
                       params={"current": Status(current).label, "wanted": Status(wanted).label})


def check_commentable(status: str) -> None:
    if status == Status.CLOSED:
        raise Conflict(_("This service request is closed; it takes no more comments."), field="body")


def after_customer_comment(status: str) -> str | None:
    """The status a customer's comment moves the request to: the partner was waiting for the customer, now
    it is the partner's turn again. None: unchanged."""
    return Status.IN_PROGRESS if status == Status.WAITING_FOR_CUSTOMER else None


def may_be_assigned(roles: set[str]) -> bool:
    """An assignee works on the request: an active member whose roles give the Service requests pages."""
    return Perm.SERVICE_REQUESTS in permissions_for(roles)


def is_number(text: str) -> bool:
    """1 to 9 ASCII digits: an id or a request's number. Not str.isdigit(), which is True for "²" (that
    int() refuses) and for other scripts' digits."""
    return re.fullmatch(r"[0-9]{1,9}", text) is not None


def reference(number: int) -> str:
    return f"SR-{number:06d}"


def parse_reference(text: str) -> int | None:
    """"SR-000123", "sr-123", "123" → 123; anything else None (a search for a request by its number)."""
    value = text.strip().upper().removeprefix("SR-").removeprefix("SR")
    return int(value) if is_number(value) else None
