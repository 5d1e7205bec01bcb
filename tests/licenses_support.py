"""A licensed customer for the Licenses tests: Contoso sells Adatum 2 × Business Mail Basic (per user) and
5 × Endpoint Security Add-on (devices), holds DAP for Adatum's productivity suite; Adatum has a Global
admin and three users."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from customers.models import Service
from customers.services import dap_grant
from partnercenter.models import Tenant, User
from partnercenter.roles import Role
from subscriptions.models import Offer, Subscription
from subscriptions.services import Line, order_place
from tests.factories import PartnerFactory, TenantFactory, member
from tests.test_subscriptions import make_ready


@dataclass
class World:
    partner: Tenant
    admin: User  # Global admin of the partner
    agent: User  # Admin agent
    helpdesk: User
    sales: User
    customer: Tenant
    customer_admin: User
    users: list[User] = field(default_factory=list)  # Adatum's users (CUSTOMER_USER)
    mail: Subscription | None = None  # 2 × mail-basic (licenses)
    devices: Subscription | None = None  # 5 × security-addon (devices)


def buy(partner: Tenant, customer: Tenant, actor: User, sku: str, quantity: int) -> Subscription:
    order, _created = order_place(partner=partner, customer=customer, actor=actor, idempotency_key=uuid.uuid4().hex,
                                  lines=[Line(offer_id=Offer.objects.get(sku=sku).id, quantity=quantity)])
    return order.lines.get().subscription


def world(*, dap: bool = True, seats: int = 2, partner_name: str = "Contoso Cloud GmbH",
          customer_name: str = "Adatum AG", prefix: str = "") -> World:
    partner = PartnerFactory(name=partner_name)
    admin = member(partner, Role.GLOBAL_ADMIN, email=f"{prefix}admin@contoso.example")
    customer = TenantFactory(name=customer_name)
    make_ready(partner, customer)  # the reseller relationship and the customer agreement
    if dap:
        dap_grant(partner=partner, customer=customer, services=[Service.PRODUCTIVITY], reassign=False, actor=None)
    w = World(
        partner=partner, admin=admin, agent=member(partner, Role.ADMIN_AGENT, email=f"{prefix}agent@contoso.example"),
        helpdesk=member(partner, Role.HELPDESK_AGENT), sales=member(partner, Role.SALES_AGENT),
        customer=customer, customer_admin=member(customer, Role.CUSTOMER_GLOBAL_ADMIN),
    )
    for first, last, language in (("Anna", "Auer", "de"), ("Bela", "Balogh", "hu"), ("Carl", "Cole", "")):
        user = member(customer, Role.CUSTOMER_USER, email=f"{prefix}{first.lower()}@adatum.example",
                      language=language)
        User.objects.filter(pk=user.pk).update(first_name=first, last_name=last)
        user.refresh_from_db()
        w.users.append(user)
    w.mail = buy(partner, customer, admin, "mail-basic", seats)
    w.devices = buy(partner, customer, admin, "security-addon", 5)
    return w
