"""Assigning and unassigning a customer's licenses on its behalf (F13).

The seat rule holds under concurrent requests: every change of a subscription's assignments locks the
subscription row first (SELECT … FOR UPDATE) and counts inside the same transaction, so two "assign
the last seat" requests run one after the other and the second finds no free seat. Lowering the
quantity takes the same lock (seats_check_quantity, called by subscriptions.services). The unique
(subscription, membership) constraint backs "one license per user and subscription"."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from gdap import access
from licenses import rules
from licenses.events import LicenseEvents
from licenses.models import LicenseAssignment
from partnercenter.errors import Conflict, Forbidden, NotFound
from partnercenter.events import event_record
from partnercenter.models import Membership, Tenant, User
from partnercenter.roles import CUSTOMER_ROLES, Perm
from partnercenter.selectors import permissions_of
from partnercenter.services import outbox_email_create
from subscriptions.models import Subscription


@dataclass
class AssignResult:
    assigned: list[str] = field(default_factory=list)  # the users' names, in the order chosen
    already: list[str] = field(default_factory=list)  # held a license of this subscription before


def display_name(user: User) -> str:
    return user.get_full_name() or user.email


def _require(actor: User, partner: Tenant, customer: Tenant) -> None:
    """The partner role (Perm.LICENSES_MANAGE) and the admin permissions for this customer (DAP or GDAP)."""
    if Perm.LICENSES_MANAGE not in permissions_of(user=actor, tenant=partner):
        raise Forbidden(_("Your role does not allow this."))
    if not access.may(actor, partner, customer, access.LICENSES_MANAGE):
        raise Forbidden(_("Your organisation's admin permissions for this customer don't allow assigning licenses."))


def _locked(partner: Tenant, customer: Tenant, subscription_id: object) -> Subscription:
    """The subscription row, locked until the transaction ends (of=self: not the offer row)."""
    try:
        subscription = (Subscription.objects.visible_to(partner).filter(customer=customer, id=subscription_id)
                        .select_for_update(of=("self",)).select_related("offer").first())
    except (ValueError, ValidationError):
        subscription = None
    if subscription is None:
        raise NotFound(_("Not found"))
    return subscription


def _log(subscription: Subscription, kind: str, actor: User, names: list[str], ip: str | None) -> None:
    partner, customer = subscription.partner, subscription.customer
    data = {"offer": subscription.offer.name, "customer": customer.name, "users": ", ".join(names),
            "count": len(names), "subscription_id": str(subscription.id), "partner_id": str(partner.id),
            "customer_id": str(customer.id)}
    for tenant in (partner, customer):  # the partner's log and the customer's (Admin center → Activity log)
        event_record(tenant=tenant, kind=kind, actor=actor, customer=customer, data=data, ip=ip)


def _mail(user: User, subscription: Subscription) -> None:
    language = user.language if user.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    outbox_email_create(to_email=user.email, template="licenses/license_assigned", language=language,
                        tenant=subscription.customer, context={
                            "user": user, "offer": subscription.offer, "customer": subscription.customer,
                            "partner": subscription.partner, "site_url": settings.SITE_URL})


def licenses_assign(*, partner: Tenant, customer: Tenant, actor: User, subscription_id: object,
                    user_ids: list[int], ip: str | None = None) -> AssignResult:
    """Assign a license of the subscription to each user; all or nothing. A user who holds one already is
    left as is (reported in `already`): a double submit assigns nothing twice."""
    _require(actor, partner, customer)
    wanted = list(dict.fromkeys(user_ids))  # the order chosen, each once
    rules.check_chosen(len(wanted))
    try:
        with transaction.atomic():
            subscription = _locked(partner, customer, subscription_id)
            rules.check_assignable(unit_type=subscription.offer.unit_type, status=subscription.status)
            memberships = _memberships(customer, wanted)
            held = set(LicenseAssignment.objects.filter(subscription=subscription, membership__user_id__in=wanted)
                       .values_list("membership__user_id", flat=True))
            adding = [memberships[user_id] for user_id in wanted if user_id not in held]
            result = AssignResult(already=[display_name(memberships[u].user) for u in wanted if u in held])
            if not adding:
                return result
            assigned = LicenseAssignment.objects.filter(subscription=subscription).count()
            rules.check_seats(quantity=subscription.quantity, assigned=assigned, adding=len(adding))
            LicenseAssignment.objects.bulk_create([
                LicenseAssignment(subscription=subscription, membership=m, assigned_by=actor) for m in adding])
            result.assigned = [display_name(m.user) for m in adding]
            _log(subscription, LicenseEvents.ASSIGNED, actor, result.assigned, ip)
            for membership in adding:
                _mail(membership.user, subscription)
    except IntegrityError as exc:  # the lock makes this unreachable; the constraint is the backstop
        raise Conflict(_("Someone else changed these licenses meanwhile. Try again."), field="users") from exc
    return result


def _memberships(customer: Tenant, user_ids: list[int]) -> dict[int, Membership]:
    """Each user's membership the license hangs on: their oldest active one with a customer role. A user
    who is not an active user of this customer is NotFound, like a missing one."""
    found: dict[int, Membership] = {}
    for membership in (Membership.objects.filter(tenant=customer, user_id__in=user_ids, is_active=True,
                                                 role__in=list(CUSTOMER_ROLES))
                       .select_related("user").order_by("user_id", "id")):
        found.setdefault(membership.user_id, membership)
    if set(user_ids) - set(found):
        raise NotFound(_("One of the chosen users is not a user of this customer. Reload the page and choose again."),
                       field="users")
    return found


def license_unassign(*, partner: Tenant, customer: Tenant, actor: User, subscription_id: object, user_id: object,
                     ip: str | None = None) -> bool:
    """Free the user's seat of the subscription (any status: a suspended or cancelled subscription's seats
    may be freed too). Returns False when the user held none (already unassigned)."""
    _require(actor, partner, customer)
    with transaction.atomic():
        subscription = _locked(partner, customer, subscription_id)
        rows = list(LicenseAssignment.objects.filter(subscription=subscription, membership__tenant=customer,
                                                     membership__user_id=user_id).select_related("membership__user"))
        if not rows:
            return False
        LicenseAssignment.objects.filter(pk__in=[row.pk for row in rows]).delete()
        _log(subscription, LicenseEvents.UNASSIGNED, actor, [display_name(rows[0].membership.user)], ip)
    return True


def seats_check_quantity(*, subscription: Subscription, quantity: int) -> None:
    """Inside the caller's transaction (subscriptions.services.subscription_quantity_change): refuse a
    quantity below the assigned seats. Takes the lock the assignments take, so an assignment running at
    the same time is counted."""
    Subscription.objects.select_for_update().filter(pk=subscription.pk).values_list("pk", flat=True).first()
    rules.check_quantity(quantity=quantity,
                         assigned=LicenseAssignment.objects.filter(subscription_id=subscription.pk).count())
