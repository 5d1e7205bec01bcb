"""Demo data of a customer's Users pages (`make demo`): Adatum (Contoso holds DAP for it) has a second domain
and users in every state — active, blocked (blocked through the service, so both activity logs show it), one
that must change the password at the next sign-in — and Müller Bäckerei has its ASCII domain beside the IDN
one. Every demo user signs in with DEMO_PASSWORD (anna.schmidt@adatum.example shows a customer user's view;
petra.wolf@adatum.example is sent to change the password first). Called by partnercenter.demo.demo_load."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress

from customerusers.models import CustomerDomain
from customerusers.services import customer_user_sign_in_set
from partnercenter.models import Membership, User
from partnercenter.roles import Role

DEMO_USERS = [
    # customer domain, address, first name, last name, role, must change password
    ("adatum.example", "anna.schmidt@adatum.example", "Anna", "Schmidt", Role.CUSTOMER_USER, False),
    ("adatum.example", "lukas.meyer@adatum-maschinen.example", "Lukas", "Meyer", Role.CUSTOMER_GLOBAL_ADMIN, False),
    ("adatum.example", "petra.wolf@adatum.example", "Petra", "Wolf", Role.CUSTOMER_USER, True),
    ("adatum.example", "jonas.becker@adatum-maschinen.example", "Jonas", "Becker", Role.CUSTOMER_USER, False),
    ("müller-bäckerei.example", "bernd.mueller@xn--mller-bckerei-hfb76a.example", "Bernd", "Müller",
     Role.CUSTOMER_USER, False),
]
BLOCKED = "jonas.becker@adatum-maschinen.example"


def demo_customer_users(tenants: dict[str, Any]) -> None:
    from partnercenter.demo import DEMO_PASSWORD

    CustomerDomain.objects.create(tenant=tenants["adatum.example"], name="adatum-maschinen.example")
    CustomerDomain.objects.create(tenant=tenants["müller-bäckerei.example"], name="mueller-baeckerei.example")
    for domain, email, first, last, role, must_change in DEMO_USERS:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, first_name=first, last_name=last,
                                        must_change_password=must_change)
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        Membership.objects.create(user=user, tenant=tenants[domain], role=role)
    contoso, adatum = tenants["contoso.example"], tenants["adatum.example"]
    customer_user_sign_in_set(partner=contoso, customer=adatum, actor=User.objects.get(email="agent@contoso.example"),
                              user_id=User.objects.get(email=BLOCKED).pk, blocked=True)
