"""Buying on a customer's behalf and managing what was bought (PRODUCT.md F9, section 2)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# Buying on a customer's behalf needs a reseller relationship: an advisor (F12) does not buy for it.
from customers.models import CustomerAgreement, RelationshipRole, RelationshipStatus, ResellerRelationship
from partnercenter.errors import Code, Conflict, Forbidden, Invalid, Stale
from partnercenter.events import event_record
from partnercenter.models import PartnerType, Tenant, User
from partnercenter.roles import Perm
from partnercenter.selectors import permissions_of
from resellers.selectors import is_partnered_reseller
from subscriptions.events import SubscriptionEvents
from subscriptions.models import (
    EventKind,
    Offer,
    Order,
    OrderLine,
    Subscription,
    SubscriptionEvent,
    SubscriptionStatus,
)


class PurchaseRefused(Conflict):
    """A rule refuses buying for this customer (relationship, agreement)."""

    default_code = Code.REFUSED


class SubscriptionConflict(Stale):
    """Somebody else changed the subscription since the page was loaded."""


# A message with placeholders, filled when it is read (in the reader's language).
_worded = lazy(lambda message, params: str(message) % params, str)
_country_name = lazy(lambda country: str(country.name), str)
_offer_name = lazy(lambda offer: offer.display_name, str)


def _require(actor: User, partner: Tenant, perm: str) -> None:
    if perm not in permissions_of(user=actor, tenant=partner):
        raise Forbidden(_("Your role does not allow this."))


def _log(partner: Tenant, customer: Tenant, kind: str, actor: User | None, data: dict) -> None:
    data = {**data, "partner_id": str(partner.id), "customer_id": str(customer.id)}  # ids beside the names
    for tenant in (partner, customer):
        event_record(tenant=tenant, kind=kind, actor=actor, customer=customer, data=data)


# --- Customer agreement -------------------------------------------------------------------------


def customer_agreement_record(
    *, partner: Tenant, customer: Tenant, actor: User, signer_name: str, signer_email: str, accepted_on: date
) -> CustomerAgreement:
    _require(actor, partner, Perm.AGREEMENT_RECORD)
    if accepted_on > timezone.localdate():
        raise Invalid(_("The acceptance date cannot be in the future."), field="accepted_on")
    with transaction.atomic():
        if not ResellerRelationship.objects.filter(
            partner=partner, customer=customer, status=RelationshipStatus.ACTIVE, role=RelationshipRole.RESELLER
        ).exists():
            raise PurchaseRefused(_("You have no reseller relationship with this customer."))
        agreement, _created = CustomerAgreement.objects.update_or_create(
            customer=customer,
            defaults={
                "signer_name": signer_name.strip(),
                "signer_email": signer_email.strip(),
                "accepted_on": accepted_on,
                "recorded_by": actor,
                "recorded_by_partner": partner,
            },
        )
        _log(partner, customer, SubscriptionEvents.AGREEMENT_RECORDED, actor,
             {"customer": customer.name, "signer": agreement.signer_name, "date": accepted_on.isoformat()})
    return agreement


# --- Buying -------------------------------------------------------------------------------------


def _relationship_hold(partner: Tenant, customer: Tenant) -> None:
    """Inside the caller's transaction: lock the active reseller relationship, or refuse. Removing the
    relationship (customers.services.reseller_relationship_remove) takes the same row lock, so a purchase
    waits for a removal in progress and then finds no active row (PostgreSQL re-checks the condition on
    the updated row): nothing is bought on the customer's behalf after the relationship ended."""
    if not ResellerRelationship.objects.select_for_update(no_key=True).filter(
        partner=partner, customer=customer, status=RelationshipStatus.ACTIVE, role=RelationshipRole.RESELLER
    ).values_list("pk", flat=True)[:1]:
        raise PurchaseRefused(_("There is no active reseller relationship with this customer."))


def purchase_blockers(*, partner: Tenant, customer: Tenant) -> list[str]:  # lazy texts
    """What stops this partner from buying for this customer, worded for the order form."""
    missing = []
    if not ResellerRelationship.objects.filter(
        partner=partner, customer=customer, status=RelationshipStatus.ACTIVE, role=RelationshipRole.RESELLER
    ).exists():
        missing.append(_("There is no active reseller relationship with this customer."))
    if not CustomerAgreement.objects.filter(customer=customer).exists():
        missing.append(_("The customer has not accepted the customer agreement yet. Record it on the Account page."))
    return missing


@dataclass(frozen=True)
class Line:
    offer_id: int
    quantity: int


def order_place(
    *,
    partner: Tenant,
    customer: Tenant,
    actor: User,
    lines: list[Line],
    idempotency_key: str,
    partner_of_record_id: object = None,
) -> tuple[Order, bool]:
    """One order, one subscription per line, in one transaction. Returns (order, created); the same
    idempotency key returns the first order instead of buying twice."""
    _require(actor, partner, Perm.SUBSCRIPTIONS_BUY)
    if not idempotency_key or len(idempotency_key) > 64:
        raise Invalid(_("The form expired. Open it again."))
    existing = Order.objects.filter(partner=partner, idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.customer_id != customer.id:
            raise Invalid(_("The form expired. Open it again."))
        return existing, False
    lines = [line for line in lines if line.quantity]
    if not lines:
        raise Invalid(_("Choose at least one offer and a quantity."), field="lines")
    blockers = purchase_blockers(partner=partner, customer=customer)
    if blockers:
        raise PurchaseRefused(format_lazy(" ".join(["{}"] * len(blockers)), *blockers))
    offers = order_lines_checked(customer=customer, lines=lines)
    partner_of_record = _partner_of_record(partner, partner_of_record_id)
    return order_record(partner=partner, customer=customer, actor=actor, lines=lines, offers=offers,
                        idempotency_key=idempotency_key, partner_of_record=partner_of_record,
                        hold=lambda: _relationship_hold(partner, customer))


def order_lines_checked(*, customer: Tenant, lines: list[Line], trial: bool | None = None) -> dict[int, Offer]:
    """The offers of an order's lines, each available, sold in the customer's country and within its
    quantities; Invalid with `line_errors` (offer id → message) otherwise. `trial`: every line must be
    (True) or must not be (False) a trial offer (advisor offers, F12)."""
    offers = {o.id: o for o in Offer.objects.filter(id__in=[line.offer_id for line in lines], is_active=True)}
    errors = {}
    for line in lines:
        offer = offers.get(line.offer_id)
        if offer is None or (trial is not None and offer.is_trial != trial):
            errors[line.offer_id] = _("This offer is not available.")
        elif not offer.is_sold_in(str(customer.country)):
            errors[line.offer_id] = _worded(_("%(offer)s is not sold in %(country)s."), {
                "offer": _offer_name(offer), "country": _country_name(customer.country)})
        elif not offer.min_quantity <= line.quantity <= offer.max_quantity:
            errors[line.offer_id] = _worded(_("Enter a quantity from %(min)d to %(max)d."), {
                "min": offer.min_quantity, "max": offer.max_quantity})
    if errors:
        error = Invalid(_("Correct the marked offers."), field="lines")
        error.line_errors = errors  # type: ignore[attr-defined]
        raise error
    return offers


def order_record(
    *, partner: Tenant, customer: Tenant, actor: User | None, lines: list[Line], offers: dict[int, Offer],
    idempotency_key: str, partner_of_record: Tenant | None = None, hold: Callable[[], None] | None = None,
) -> tuple[Order, bool]:
    """Write a checked order (order_lines_checked): the order, a subscription and a line each, their
    events. `hold` runs first inside the transaction (the partner's lock on what allows the purchase).
    A concurrent write with the same idempotency key hands back the first order."""
    try:
        with transaction.atomic():
            if hold is not None:
                hold()
            order = Order.objects.create(
                partner=partner, customer=customer, ordered_by=actor, partner_of_record=partner_of_record,
                idempotency_key=idempotency_key,
            )
            for line in lines:
                offer = offers[line.offer_id]
                subscription = Subscription.objects.create(
                    partner=partner, customer=customer, offer=offer, quantity=line.quantity,
                    partner_of_record=partner_of_record,
                )
                OrderLine.objects.create(order=order, offer=offer, quantity=line.quantity, subscription=subscription)
                SubscriptionEvent.objects.create(
                    subscription=subscription, kind=EventKind.CREATED, status=subscription.status,
                    quantity=subscription.quantity, actor=actor, detail=str(order.id),
                )
            _log(partner, customer, SubscriptionEvents.ORDER_PLACED, actor, {
                "order_id": str(order.id), "customer": customer.name,
                "lines": ", ".join(f"{offers[line.offer_id].name} × {line.quantity}" for line in lines),
            })
    except IntegrityError:
        # A concurrent submit of the same form committed first: hand back its order.
        first = Order.objects.filter(partner=partner, idempotency_key=idempotency_key).first()
        if first is None:
            raise
        return first, False
    return order, True


def _partner_of_record(partner: Tenant, reseller_id: object) -> Tenant | None:
    if not reseller_id:
        return None
    if partner.partner_type != PartnerType.INDIRECT_PROVIDER:
        raise Invalid(_("Only indirect providers name a reseller of record."), field="partner_of_record")
    if not is_partnered_reseller(provider=partner, reseller_id=reseller_id):
        raise Invalid(_("Choose one of your partnered indirect resellers."), field="partner_of_record")
    return Tenant.objects.get(id=reseller_id)


# --- Managing a subscription ---------------------------------------------------------------------


ALLOWED = {
    EventKind.SUSPENDED: ({SubscriptionStatus.ACTIVE}, SubscriptionStatus.SUSPENDED),
    EventKind.REACTIVATED: ({SubscriptionStatus.SUSPENDED}, SubscriptionStatus.ACTIVE),
    EventKind.CANCELLED: ({SubscriptionStatus.ACTIVE, SubscriptionStatus.SUSPENDED}, SubscriptionStatus.CANCELLED),
}
_STATUS_ACTIVITY = {
    EventKind.SUSPENDED: SubscriptionEvents.SUBSCRIPTION_SUSPENDED,
    EventKind.REACTIVATED: SubscriptionEvents.SUBSCRIPTION_REACTIVATED,
    EventKind.CANCELLED: SubscriptionEvents.SUBSCRIPTION_CANCELLED,
}


def _changed(subscription: Subscription, version: int, **values: object) -> Subscription:
    """Apply `values` only if nobody changed the row since `version` was read (optimistic lock)."""
    updated = Subscription.objects.filter(pk=subscription.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now(), **values
    )
    if not updated:
        raise SubscriptionConflict(
            _("Someone else changed this subscription meanwhile. Its current values are shown; try again."),
        )
    subscription.refresh_from_db()
    return subscription


def subscription_quantity_change(
    *, subscription: Subscription, actor: User, quantity: int, version: int
) -> Subscription:
    _require(actor, subscription.partner, Perm.SUBSCRIPTIONS_BUY)
    offer = subscription.offer
    if subscription.status != SubscriptionStatus.ACTIVE:
        raise Conflict(_("Only an active subscription's quantity can change."), field="quantity")
    if not offer.min_quantity <= quantity <= offer.max_quantity:
        raise Invalid(
            _("Enter a quantity from %(min)d to %(max)d."), params={"min": offer.min_quantity, "max": offer.max_quantity},
            field="quantity",
        )
    old = subscription.quantity
    with transaction.atomic():
        _relationship_hold(subscription.partner, subscription.customer)  # more licenses are a purchase
        from licenses.services import seats_check_quantity  # never below the seats assigned to users

        seats_check_quantity(subscription=subscription, quantity=quantity)
        subscription = _changed(subscription, version, quantity=quantity)
        SubscriptionEvent.objects.create(subscription=subscription, kind=EventKind.QUANTITY, status=subscription.status,
                                         quantity=quantity, actor=actor, detail=f"{old} → {quantity}")
        _log(subscription.partner, subscription.customer, SubscriptionEvents.SUBSCRIPTION_QUANTITY, actor,
             {"offer": offer.name, "customer": subscription.customer.name, "old": old, "new": quantity,
              "subscription_id": str(subscription.id)})
    return subscription


def subscription_status_change(
    *, subscription: Subscription, actor: User, change: str, version: int
) -> Subscription:
    _require(actor, subscription.partner, Perm.SUBSCRIPTIONS_BUY)
    if change not in ALLOWED:
        raise Invalid(_("Unknown change."))
    allowed_from, target = ALLOWED[change]
    if subscription.status not in allowed_from:
        refusals = {
            EventKind.SUSPENDED: _("Only an active subscription can be suspended."),
            EventKind.REACTIVATED: _("Only a suspended subscription can be reactivated."),
            EventKind.CANCELLED: _("This subscription is cancelled already."),
        }
        raise Conflict(refusals[change])
    with transaction.atomic():
        if target == SubscriptionStatus.ACTIVE:
            # A reactivated subscription would block a removal that has already checked: same lock.
            _relationship_hold(subscription.partner, subscription.customer)
        subscription = _changed(subscription, version, status=target)
        SubscriptionEvent.objects.create(subscription=subscription, kind=change, status=target,
                                         quantity=subscription.quantity, actor=actor)
        _log(subscription.partner, subscription.customer, _STATUS_ACTIVITY[change], actor,
             {"offer": subscription.offer.name, "customer": subscription.customer.name,
              "subscription_id": str(subscription.id)})
    return subscription


def subscription_support_contact_set(
    *, subscription: Subscription, actor: User, contact_id: object, version: int
) -> Subscription:
    """The partner itself (empty) or one of its partnered indirect resellers."""
    _require(actor, subscription.partner, Perm.SUBSCRIPTIONS_BUY)
    partner = subscription.partner
    contact: Tenant | None = None
    if contact_id and str(contact_id) != str(partner.id):
        if not is_partnered_reseller(provider=partner, reseller_id=contact_id):
            raise Invalid(_("Choose your organisation or one of your partnered indirect resellers."),
                          field="support_contact")
        contact = Tenant.objects.get(id=contact_id)
    if subscription.status == SubscriptionStatus.CANCELLED:
        raise Conflict(_("A cancelled subscription cannot change."), field="support_contact")
    with transaction.atomic():
        subscription = _changed(subscription, version, support_contact=contact, no_support_contact=False)
        name = (contact or partner).name
        SubscriptionEvent.objects.create(subscription=subscription, kind=EventKind.SUPPORT_CONTACT,
                                         status=subscription.status, quantity=subscription.quantity, actor=actor,
                                         detail=name[:200])
        _log(partner, subscription.customer, SubscriptionEvents.SUBSCRIPTION_SUPPORT, actor,
             {"offer": subscription.offer.name, "customer": subscription.customer.name, "contact": name,
              "subscription_id": str(subscription.id)})
    return subscription


_TO_STATUS = {SubscriptionStatus.SUSPENDED: EventKind.SUSPENDED, SubscriptionStatus.ACTIVE: EventKind.REACTIVATED}


def subscription_update(
    *, subscription: Subscription, actor: User, version: int, quantity: int | None = None, status: str | None = None
) -> Subscription:
    """A program's change of a subscription read at `version` (its ETag): the quantity and/or the
    status (active ↔ suspended), together or not at all. Nothing to change still checks the version."""
    _require(actor, subscription.partner, Perm.SUBSCRIPTIONS_BUY)
    change = _TO_STATUS.get(status) if status and status != subscription.status else None
    if status and status != subscription.status and change is None:
        raise Invalid(_("Unknown change."), field="status")
    new_quantity = quantity if quantity is not None and quantity != subscription.quantity else None
    with transaction.atomic():
        if change == EventKind.REACTIVATED:  # a suspended subscription's quantity changes once it is active
            subscription = subscription_status_change(subscription=subscription, actor=actor, change=change,
                                                      version=version)
            version = subscription.version
        if new_quantity is not None:
            subscription = subscription_quantity_change(subscription=subscription, actor=actor, quantity=new_quantity,
                                                        version=version)
            version = subscription.version
        if change == EventKind.SUSPENDED:
            subscription = subscription_status_change(subscription=subscription, actor=actor, change=change,
                                                      version=version)
        if change is None and new_quantity is None and not Subscription.objects.filter(
            pk=subscription.pk, version=version
        ).exists():
            raise SubscriptionConflict(
                _("Someone else changed this subscription meanwhile. Its current values are shown; try again."),
            )
    return subscription
