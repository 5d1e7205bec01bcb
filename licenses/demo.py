"""Demo data of the Licenses pages (`make demo`): Adatum (a Contoso customer with DAP) has users holding
licenses. Its Team Phone Add-on is full (3 of 3), Office Suite Business Standard has free seats (6 of
45), and the Endpoint Security Add-on (devices) shows as not assigned to users."""

from __future__ import annotations

import uuid
from typing import Any

from allauth.account.models import EmailAddress

from licenses.services import licenses_assign
from partnercenter.models import User
from partnercenter.roles import Role
from partnercenter.services import membership_grant
from subscriptions.models import Offer, Subscription
from subscriptions.services import Line, order_place

# email, first name, last name, language
PEOPLE = [
    ("jonas.becker@adatum.example", "Jonas", "Becker", "de"),
    ("lea.fischer@adatum.example", "Lea", "Fischer", "de"),
    ("max.weber@adatum.example", "Max", "Weber", "de"),
    ("sofia.wagner@adatum.example", "Sofia", "Wagner", "en"),
    ("paul.hoffmann@adatum.example", "Paul", "Hoffmann", "de"),
]


def demo_licenses(tenants: dict[str, Any]) -> None:
    from partnercenter.demo import DEMO_PASSWORD

    contoso, adatum = tenants["contoso.example"], tenants["adatum.example"]
    admin = User.objects.get(email="admin@contoso.example")
    users = []
    for email, first, last, language in PEOPLE:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, first_name=first, last_name=last,
                                        language=language)
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        membership_grant(user=user, tenant=adatum, roles=[Role.CUSTOMER_USER])
        users.append(user)
    users.append(User.objects.get(email="user@adatum.example"))
    phone = Offer.objects.get(sku="phone-addon")
    order_place(partner=contoso, customer=adatum, actor=admin, idempotency_key=uuid.uuid4().hex,
                lines=[Line(offer_id=phone.id, quantity=3)])
    office = Subscription.objects.visible_to(contoso).get(customer=adatum, offer__sku="office-standard")
    full = Subscription.objects.visible_to(contoso).get(customer=adatum, offer=phone)
    licenses_assign(partner=contoso, customer=adatum, actor=admin, subscription_id=office.id,
                    user_ids=[user.pk for user in users])
    licenses_assign(partner=contoso, customer=adatum, actor=admin, subscription_id=full.id,
                    user_ids=[user.pk for user in users[:3]])
