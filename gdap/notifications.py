"""Every GDAP mail, through the outbox, each in its recipient's language and each exactly once.

Recipients: the partner's Global admins and Admin agents, and the customer's Global admins (one mail per
person: a user in both tenants gets one). Every mail has an outbox dedupe key naming the relationship,
what happened and the user — with the end date where the relationship can reach the same point again
after an extension (reminders, expiry) — so a sweep that runs twice, late or on two workers, and a page
and a sweep touching the same relationship, write each mail once.

Approval, rejection, termination and expiry mails hang on the relationship's activity kinds
(partnercenter.events.subscribe): they run inside the transaction that changed the relationship, so
the mail is written exactly when the change commits. record() writes the entry in the partner's and the
customer's log; the subscribers act on the partner's entry only. The end reminders are no state
change: the expiry sweep (gdap.services.time) calls reminders_send() itself.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse

from gdap.events import GdapEvents
from gdap.models import AdminRelationship
from partnercenter.events import subscribe
from partnercenter.models import ActivityLog, Tenant, User
from partnercenter.roles import Role
from partnercenter.selectors import tenant_users_with_roles
from partnercenter.services import outbox_email_create

PARTNER_ROLES = (Role.GLOBAL_ADMIN, Role.ADMIN_AGENT)
CUSTOMER_ROLES = (Role.CUSTOMER_GLOBAL_ADMIN,)
PARTNER, CUSTOMER = "partner", "customer"


def recipients(rel: AdminRelationship, sides: Iterable[str] = (PARTNER, CUSTOMER)) -> list[tuple[User, str, Tenant]]:
    """(user, side, the tenant the user is mailed as a member of), partner side first, each user once."""
    found: dict[int, tuple[User, str, Tenant]] = {}
    if PARTNER in sides:
        for user in tenant_users_with_roles(tenant=rel.partner, roles=PARTNER_ROLES).order_by("pk"):
            found.setdefault(user.pk, (user, PARTNER, rel.partner))
    if CUSTOMER in sides and rel.customer_id:
        for user in tenant_users_with_roles(tenant=rel.customer, roles=CUSTOMER_ROLES).order_by("pk"):
            found.setdefault(user.pk, (user, CUSTOMER, rel.customer))
    return list(found.values())


def _url(side: str, rel: AdminRelationship) -> str:
    if side == PARTNER and rel.customer_id:
        path = reverse("customers:account", args=[rel.customer_id])
    elif side == PARTNER:
        path = reverse("customers:list")
    else:
        path = reverse("admin_center_home")
    return f"{settings.SITE_URL}{path}"


def _send(rel: AdminRelationship, template: str, key: str, *, sides: Iterable[str] = (PARTNER, CUSTOMER),
          **context: Any) -> int:
    """One mail per recipient, key f"gdap:{rel.id}:{key}:{user.id}". Returns how many were written."""
    written = 0
    for user, side, tenant in recipients(rel, sides):
        outbox_email_create(
            to_email=user.email, template=template, language=user.language or settings.LANGUAGE_CODE,
            tenant=tenant, dedupe_key=f"gdap:{rel.pk}:{key}:{user.pk}",
            context={"rel": rel, "partner": rel.partner, "customer": rel.customer, "side": side,
                     "url": _url(side, rel), **context},
        )
        written += 1
    return written


def end_day(end_at: datetime) -> str:
    """The end date in dedupe keys: the UTC day, so every process writes the same key."""
    return end_at.astimezone(UTC).strftime("%Y%m%d")


def days_left(end_at: datetime, now: datetime) -> int:
    """Whole days until the end, rounded up (23 hours left is "1 day")."""
    return max(1, math.ceil((end_at - now) / timedelta(days=1)))


def reminders_send(rel: AdminRelationship, *, days: int, now: datetime) -> int:
    """The end reminder `days` (30, 7 or 1) for the relationship's current end date."""
    return _send(rel, "gdap_reminder", f"{end_day(rel.end_at)}:remind{days}", days=days_left(rel.end_at, now))


# --- Subscribers on the relationship's activity kinds ----------------------------------------------


def _relationship(entry: ActivityLog) -> AdminRelationship | None:
    """The relationship of the partner's entry (None for the customer's copy of the same event)."""
    data = entry.data or {}
    if str(entry.tenant_id) != data.get("partner_id"):
        return None
    return (AdminRelationship.objects.select_related("partner", "customer")
            .filter(pk=data.get("relationship_id")).first())


def on_approved(entry: ActivityLog) -> None:
    rel = _relationship(entry)
    if rel is not None:
        _send(rel, "gdap_approved", "approved")


def on_rejected(entry: ActivityLog) -> None:
    rel = _relationship(entry)
    if rel is not None:
        _send(rel, "gdap_rejected", "rejected", sides=(PARTNER,))


def on_terminated(entry: ActivityLog) -> None:
    rel = _relationship(entry)
    if rel is not None:
        _send(rel, "gdap_terminated", "terminated", by=rel.terminated_side or PARTNER)


def on_expired(entry: ActivityLog) -> None:
    rel = _relationship(entry)
    if rel is None:
        return
    if rel.activated_at is None:  # never approved: the request ran out; only the partner can act on it
        _send(rel, "gdap_request_expired", "request_expired", sides=(PARTNER,))
    else:
        _send(rel, "gdap_expired", f"{end_day(rel.end_at)}:expired")


def subscribers_register() -> None:
    """Called from GdapConfig.ready(); subscribe() ignores a second registration."""
    subscribe(GdapEvents.APPROVED, on_approved)
    subscribe(GdapEvents.REJECTED, on_rejected)
    subscribe(GdapEvents.TERMINATED, on_terminated)
    subscribe(GdapEvents.EXPIRED, on_expired)
