"""Demo data: partners of every type, customers with relationships, a user for every role."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from customers.services import dap_grant, reseller_relationship_ensure
from partnercenter.models import Cloud, CompanyProfile, PartnerType, Tenant, TenantKind, User
from partnercenter.roles import Role
from partnercenter.services import membership_grant, partner_tenant_create, tenant_create

DEMO_PASSWORD = "partnercenter"
OPERATOR_EMAIL = "operator@partnercenter.example"
LANGUAGE_NAMES = {"": "browser's language", "en": "English", "de": "German", "hu": "Hungarian"}


@dataclass(frozen=True)
class DemoUser:
    email: str
    tenant: str
    roles: tuple[str, ...]
    language: str = ""


PARTNERS = [
    # name, domain, country, cloud, mpn, type, profile extras
    ("Contoso Cloud GmbH", "contoso.example", "DE", Cloud.PUBLIC, "1234567", PartnerType.DIRECT,
     {"phone": "+49 30 1234567", "support_email": "support@contoso.example", "website": "https://contoso.example",
      "address_line1": "Friedrichstraße 100", "city": "Berlin", "postal_code": "10117"}),
    ("Fabrikam Disztribúció Kft.", "fabrikam.example", "HU", Cloud.PUBLIC, "2345678", PartnerType.INDIRECT_PROVIDER,
     {"phone": "+36 1 234 5678", "support_email": "support@fabrikam.example", "website": "https://fabrikam.example",
      "address_line1": "Váci út 1", "city": "Budapest", "postal_code": "1133"}),
    ("Tailspin Informatika Bt.", "tailspin.example", "HU", Cloud.PUBLIC, "3456789", PartnerType.INDIRECT_RESELLER,
     {"phone": "+36 62 123 456", "support_email": "hello@tailspin.example", "website": "https://tailspin.example",
      "address_line1": "Kárász utca 5", "city": "Szeged", "postal_code": "6720"}),
    ("Lucerne Tech Kft.", "lucerne.example", "HU", Cloud.PUBLIC, "5678901", PartnerType.INDIRECT_RESELLER,
     {"phone": "+36 1 555 0101", "support_email": "info@lucerne.example", "website": "https://lucerne.example",
      "address_line1": "Andrássy út 10", "city": "Budapest", "postal_code": "1061"}),
    ("Northwind Federal LLC", "northwind-federal.example", "US", Cloud.USGOV, "4567890", PartnerType.DIRECT,
     {"phone": "+1 202 555 0100", "support_email": "support@northwind-federal.example",
      "website": "https://northwind-federal.example", "address_line1": "1 Federal Plaza", "city": "Washington",
      "postal_code": "20001"}),
]

CUSTOMERS = [
    # name, domain, country, cloud, partner domains with relationship, dap partner
    # Adatum also buys from Fabrikam (same EU/EFTA region), so its admin can reassign Contoso's admin
    # permissions to Fabrikam on Partner relationships.
    ("Adatum Maschinenbau AG", "adatum.example", "DE", Cloud.PUBLIC, ["contoso.example", "fabrikam.example"],
     "contoso.example"),
    ("Müller Bäckerei GmbH", "müller-bäckerei.example", "DE", Cloud.PUBLIC, ["contoso.example"], None),
    ("Alpine Ski Haus AG", "alpineskihaus.example", "AT", Cloud.PUBLIC, ["contoso.example"], None),
    ("Wingtip Játék Kft.", "wingtip.example", "HU", Cloud.PUBLIC, ["fabrikam.example"], "fabrikam.example"),
    ("Proseware Kft.", "proseware.example", "HU", Cloud.PUBLIC, ["tailspin.example"], "tailspin.example"),
    ("Northwind Kereskedelmi Zrt.", "northwind-kereskedelmi.example", "HU", Cloud.PUBLIC,
     ["fabrikam.example", "tailspin.example"], "tailspin.example"),
    ("Litware Studio GmbH", "litware.example", "DE", Cloud.PUBLIC, [], None),
]

USERS = [
    DemoUser("admin@contoso.example", "contoso.example", (Role.GLOBAL_ADMIN,)),
    DemoUser("agent@contoso.example", "contoso.example", (Role.ADMIN_AGENT,), "de"),
    DemoUser("sales@contoso.example", "contoso.example", (Role.SALES_AGENT,), "de"),
    DemoUser("helpdesk@contoso.example", "contoso.example", (Role.HELPDESK_AGENT,)),
    DemoUser("billing@contoso.example", "contoso.example", (Role.BILLING_ADMIN,)),
    DemoUser("admin@fabrikam.example", "fabrikam.example", (Role.GLOBAL_ADMIN,), "hu"),
    DemoUser("agent@fabrikam.example", "fabrikam.example", (Role.ADMIN_AGENT, Role.SALES_AGENT), "hu"),
    DemoUser("admin@tailspin.example", "tailspin.example", (Role.GLOBAL_ADMIN,), "hu"),
    DemoUser("admin@lucerne.example", "lucerne.example", (Role.GLOBAL_ADMIN,)),
    DemoUser("admin@northwind-federal.example", "northwind-federal.example", (Role.GLOBAL_ADMIN,)),
    DemoUser("admin@adatum.example", "adatum.example", (Role.CUSTOMER_GLOBAL_ADMIN,), "de"),
    DemoUser("user@adatum.example", "adatum.example", (Role.CUSTOMER_USER,), "de"),
    DemoUser("admin@mueller-baeckerei.example", "müller-bäckerei.example", (Role.CUSTOMER_GLOBAL_ADMIN,), "de"),
    DemoUser("admin@wingtip.example", "wingtip.example", (Role.CUSTOMER_GLOBAL_ADMIN,), "hu"),
    DemoUser("admin@litware.example", "litware.example", (Role.CUSTOMER_GLOBAL_ADMIN,), "de"),
    # A consultant working for two partners shows the tenant switcher.
    DemoUser("consultant@contoso.example", "contoso.example", (Role.ADMIN_AGENT,)),
    DemoUser("consultant@contoso.example", "fabrikam.example", (Role.HELPDESK_AGENT,)),
]


def demo_load() -> bool:
    """Create the demo data once. Returns False when it exists already."""
    from partnercenter.domains import normalize_domain

    if Tenant.objects.filter(primary_domain="contoso.example").exists():
        return False
    with transaction.atomic():
        tenants: dict[str, Tenant] = {}
        for name, domain, country, cloud, mpn, ptype, profile in PARTNERS:
            tenant = partner_tenant_create(
                name=name, primary_domain=domain, country=country, cloud=cloud, mpn_id=mpn, partner_type=ptype,
                address_line1=profile["address_line1"], city=profile["city"], postal_code=profile["postal_code"],
                phone=profile["phone"],
            )
            CompanyProfile.objects.filter(tenant=tenant).update(**profile)
            tenants[domain] = tenant
        for name, domain, country, cloud, partner_domains, dap_partner in CUSTOMERS:
            customer = tenant_create(
                kind=TenantKind.CUSTOMER, name=name, primary_domain=domain, country=country, cloud=cloud
            )
            tenants[normalize_domain(domain)] = customer
            tenants[domain] = customer
            for partner_domain in partner_domains:
                reseller_relationship_ensure(partner=tenants[partner_domain], customer=customer, actor=None)
            if dap_partner:
                from customers.models import Service

                dap_grant(partner=tenants[dap_partner], customer=customer, services=list(Service.values),
                          reassign=False, actor=None)
        for demo_user in USERS:
            user = User.objects.filter(email=demo_user.email).first()
            if user is None:
                user = User.objects.create_user(email=demo_user.email, password=DEMO_PASSWORD,
                                                language=demo_user.language)
                EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
            membership_grant(user=user, tenant=tenants[demo_user.tenant], roles=list(demo_user.roles))
        _demo_channel_and_purchases(tenants)
        from gdap.demo import demo_gdap

        demo_gdap(tenants)
        from members.demo import demo_members

        demo_members(tenants)
        from support.demo import demo_support

        demo_support(tenants)
        from customerusers.demo import demo_customer_users

        demo_customer_users(tenants)
        from servicerequests.demo import demo_service_requests

        demo_service_requests(tenants)
        from licenses.demo import demo_licenses

        demo_licenses(tenants)
        from invitations.demo import demo_bulk_invitations

        demo_bulk_invitations(tenants)
        from api.demo import demo_api

        demo_api(tenants)
        from offers.demo import demo_offers

        demo_offers(tenants)
        operator = User.objects.filter(email=OPERATOR_EMAIL).first() or User.objects.create_superuser(
            email=OPERATOR_EMAIL, password=DEMO_PASSWORD)
        EmailAddress.objects.get_or_create(user=operator, email=operator.email,
                                           defaults={"primary": True, "verified": True})
        from directory.demo import demo_directory

        demo_directory(tenants, operator=operator)
    return True


def _demo_channel_and_purchases(tenants: dict[str, Tenant]) -> None:
    """Fabrikam (provider) partners with Tailspin (reseller); customer agreements and subscriptions."""
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    from customers.services import reseller_association_ensure
    from resellers.models import IndirectPartnership
    from resellers.services import partnership_request_create
    from subscriptions.models import Offer
    from subscriptions.services import Line, customer_agreement_record, order_place

    fabrikam, tailspin = tenants["fabrikam.example"], tenants["tailspin.example"]
    IndirectPartnership.objects.create(provider=fabrikam, reseller=tailspin)
    # A customer of each kind: Fabrikam's own (Wingtip), Tailspin's own (Proseware), and one that
    # Tailspin serves under Fabrikam (Northwind Kereskedelmi).
    reseller_association_ensure(customer=tenants["northwind-kereskedelmi.example"], reseller=tailspin,
                                provider=fabrikam, actor=None)
    # Lucerne, another reseller, has a pending partnership request from Fabrikam on its page.
    partnership_request_create(provider=fabrikam, actor=User.objects.get(email="admin@fabrikam.example"),
                               reseller_mpn_id=tenants["lucerne.example"].mpn_id)
    contoso_admin = User.objects.get(email="admin@contoso.example")
    fabrikam_agent = User.objects.get(email="agent@fabrikam.example")
    offers = {o.sku: o.id for o in Offer.objects.all()}
    purchases = [
        ("contoso.example", contoso_admin, "adatum.example", "Jonas Becker", "it@adatum.example",
         [("office-standard", 45), ("security-addon", 60), ("backup-1tb", 2)], None),
        ("contoso.example", contoso_admin, "alpineskihaus.example", "Sabine Huber", "office@alpineskihaus.example",
         [("mail-basic", 12)], None),
        ("fabrikam.example", fabrikam_agent, "wingtip.example", "Kovács Anna", "anna.kovacs@wingtip.example",
         [("office-premium", 18), ("phone-addon", 5)], "tailspin.example"),
    ]
    for partner_domain, actor, customer_domain, signer, email, lines, reseller in purchases:
        partner, customer = tenants[partner_domain], tenants[customer_domain]
        customer_agreement_record(partner=partner, customer=customer, actor=actor, signer_name=signer,
                                  signer_email=email, accepted_on=timezone.localdate() - timedelta(days=40))
        order_place(partner=partner, customer=customer, actor=actor, idempotency_key=uuid.uuid4().hex,
                    lines=[Line(offer_id=offers[sku], quantity=qty) for sku, qty in lines],
                    partner_of_record_id=tenants[reseller].id if reseller else None)


def demo_sign_ins() -> list[tuple[str, str, str, str]]:
    """(email, organisation, roles, language of the pages) for the banner of `make demo`."""
    rows = []
    seen: set[tuple[str, str]] = set()
    for demo_user in USERS:
        tenant = Tenant.objects.filter(primary_domain__in=[demo_user.tenant]).first()
        if tenant is None:
            from partnercenter.domains import normalize_domain

            tenant = Tenant.objects.filter(primary_domain=normalize_domain(demo_user.tenant)).first()
        key = (demo_user.email, demo_user.tenant)
        if key in seen or tenant is None:
            continue
        seen.add(key)
        roles = ", ".join(str(Role(r).label) for r in demo_user.roles)
        rows.append((demo_user.email, tenant.name, roles, LANGUAGE_NAMES[demo_user.language]))
    rows.append((OPERATOR_EMAIL, "Django admin (/django-admin/)", "Operator (superuser)", LANGUAGE_NAMES[""]))
    return rows
