"""Reads of offers, orders and subscriptions, always scoped to the partner (or the customer)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext, gettext_lazy

from customers.models import CustomerAgreement
from partnercenter.csvexport import EXPORT_CHUNK
from partnercenter.errors import NotFound
from partnercenter.models import Tenant
from subscriptions.models import Offer, Order, Subscription, SubscriptionEvent, SubscriptionStatus


def offers_search(*, search: str = "", country: str = "") -> list[Offer]:
    qs = Offer.objects.filter(is_active=True)
    term = search.replace("\x00", "").strip()[:100]
    if term:
        qs = qs.filter(Q(name__icontains=term) | Q(product__icontains=term) | Q(sku__icontains=term))
    offers = list(qs.order_by("product", "name"))
    if country:
        offers = [offer for offer in offers if offer.is_sold_in(country)]
    return offers


def subscriptions_of_customer(*, partner: Tenant, customer: Tenant) -> QuerySet[Subscription]:
    return Subscription.objects.visible_to(partner).filter(customer=customer).select_related(
        "offer", "partner_of_record", "support_contact"
    )


@dataclass(frozen=True)
class SubscriptionLine:
    offer: str
    quantity: int
    status: str
    reseller: str


def subscriptions_for_rows(*, partner: Tenant, customer_ids: list) -> dict[object, list[SubscriptionLine]]:
    """What the expanded rows of the Customers list show, for a page of customers, in one query."""
    grouped: dict[object, list[SubscriptionLine]] = {cid: [] for cid in customer_ids}
    if not customer_ids:
        return grouped
    labels = dict(SubscriptionStatus.choices)
    rows = (
        Subscription.objects.visible_to(partner).filter(customer_id__in=customer_ids)
        .order_by("customer_id", "offer__name", "created_at")
        .values_list("customer_id", "offer__name", "quantity", "status", "partner_of_record__name",
                     "partner_of_record__mpn_id")
    )
    for customer_id, offer, quantity, status, reseller, mpn in rows:
        grouped[customer_id].append(
            # The offer's name in the reader's language, as Offer.display_name words it.
            SubscriptionLine(gettext(offer) if offer else "", quantity, str(labels.get(status, status)),
                             f"{reseller} ({mpn})" if reseller else "")
        )
    return grouped


def subscription_for_partner(*, partner: Tenant, customer: Tenant, subscription_id: object) -> Subscription:
    try:
        return subscriptions_of_customer(partner=partner, customer=customer).get(id=subscription_id)
    except (Subscription.DoesNotExist, ValueError, ValidationError) as exc:
        raise NotFound(gettext_lazy("Not found")) from exc


def order_for_partner(*, partner: Tenant, customer: Tenant, order_id: object) -> Order:
    try:
        return (
            Order.objects.visible_to(partner).filter(customer=customer)
            .select_related("ordered_by", "partner_of_record")
            .prefetch_related("lines__offer", "lines__subscription")
            .get(id=order_id)
        )
    except (Order.DoesNotExist, ValueError, ValidationError) as exc:
        raise NotFound(gettext_lazy("Not found")) from exc


EXPORT_COLUMNS = ("id_text", "customer__name", "offer__name", "quantity", "status", "partner_of_record_id",
                  "partner_of_record__name", "partner_of_record__mpn_id")


def subscriptions_export_rows(*, partner: Tenant, customer: Tenant | None = None) -> Iterator[tuple]:
    """The export's rows as tuples of EXPORT_COLUMNS (the id as text, as PostgreSQL writes a uuid),
    streamed (partnercenter/dbstream.py)."""
    from partnercenter.dbstream import stream_values

    qs = Subscription.objects.visible_to(partner).annotate(id_text=Cast("id", output_field=CharField()))
    if customer is not None:
        qs = qs.filter(customer=customer)
    return stream_values(qs.order_by("customer__name", "offer__name", "id"), *EXPORT_COLUMNS, size=EXPORT_CHUNK)


def subscription_events(*, tenant: Tenant, subscription: Subscription, limit: int = 100) -> list[SubscriptionEvent]:
    return list(
        SubscriptionEvent.objects.visible_to(tenant).filter(subscription=subscription)
        .select_related("actor")[:limit]
    )


def subscriptions_of_organisation(*, customer: Tenant) -> list[Subscription]:
    """Admin center → Subscriptions: everything the customer bought, through any partner."""
    return list(
        Subscription.objects.visible_to(customer)
        .select_related("offer", "partner", "partner_of_record", "support_contact")
        .order_by("offer__name", "created_at")
    )


def agreement_of_organisation(*, customer: Tenant) -> CustomerAgreement | None:
    return CustomerAgreement.objects.visible_to(customer).first()


def orders_of_customer(*, partner: Tenant, customer: Tenant) -> QuerySet[Order]:
    """The partner's orders for this customer, newest first, with their lines."""
    return (
        Order.objects.visible_to(partner).filter(customer=customer)
        .select_related("partner_of_record").prefetch_related("lines__offer")
    )


_TERM_MONTHS = {"P1M": 1, "P1Y": 12, "P3Y": 36}


def commitment_end_date(subscription: Subscription, *, today: date) -> date:
    """The end of the subscription's current term: terms run from the purchase date and renew until
    it is cancelled (a cancelled one's last term stays its end)."""
    from dateutil.relativedelta import relativedelta

    months = _TERM_MONTHS.get(subscription.offer.term, 12)
    start = subscription.created_at.date()
    last_day = subscription.updated_at.date() if subscription.status == SubscriptionStatus.CANCELLED else today
    elapsed = (last_day.year - start.year) * 12 + last_day.month - start.month
    terms = max(1, elapsed // months)
    while start + relativedelta(months=months * terms) <= last_day:  # at most twice
        terms += 1
    return start + relativedelta(months=months * terms) - relativedelta(days=1)


def order_key_used_before(*, partner: Tenant, idempotency_key: str, before: datetime) -> bool:
    """Whether an order of the partner took this idempotency key before `before` (the API's replay window)."""
    return Order.objects.filter(partner=partner, idempotency_key=idempotency_key, created_at__lt=before).exists()
