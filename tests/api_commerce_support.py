"""A partner's customer with an agreement and an order, for the REST v1 subscriptions and orders tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from customers.services import reseller_relationship_ensure
from partnercenter.models import Tenant, User
from partnercenter.roles import Role
from subscriptions.models import Offer, Order, Subscription
from subscriptions.services import Line, customer_agreement_record, order_place
from tests.factories import TenantFactory, member


@dataclass
class Shop:
    partner: Tenant
    admin: User
    customer: Tenant
    order: Order

    @property
    def subscription(self) -> Subscription:
        return self.order.lines.get().subscription

    def url(self, tail: str = "") -> str:
        return f"/v1/customers/{self.customer.id}/{tail}"


def shop(partner: Tenant, *, agreement: bool = True, quantity: int = 3) -> Shop:
    """A customer of `partner` (in DE) with an active relationship and, unless told otherwise, the
    agreement recorded and an order of `quantity` × mail-basic."""
    admin = member(partner, Role.GLOBAL_ADMIN)
    customer = TenantFactory(name="Adatum AG", country="DE")
    reseller_relationship_ensure(partner=partner, customer=customer, actor=admin)
    order = None
    if agreement:
        customer_agreement_record(partner=partner, customer=customer, actor=admin, signer_name="Eva",
                                  signer_email="eva@example.com", accepted_on=date(2026, 1, 5))
        order, _created = order_place(partner=partner, customer=customer, actor=admin, idempotency_key=f"k{customer.pk}",
                                      lines=[Line(offer_id=Offer.objects.get(sku="mail-basic").id, quantity=quantity)])
    return Shop(partner, admin, customer, order)
