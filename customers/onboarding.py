"""Add customer (PRODUCT.md F8): everything the wizard collected, created in one transaction."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from datetime import date

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from customers.events import CustomerEvents
from customers.models import Service
from customers.rules import customer_country_allowed
from customers.services import dap_grant, reseller_association_ensure, reseller_relationship_ensure
from partnercenter.errors import Code, Conflict, DomainError, Forbidden, Invalid
from partnercenter.events import event_record
from partnercenter.models import PartnerType, Tenant, TenantKind, User
from partnercenter.roles import Perm, Role
from partnercenter.selectors import permissions_of, region_name_for_country
from partnercenter.services import domain_normalize_or_error, membership_grant, tenant_create
from resellers.selectors import is_partnered_reseller
from subscriptions.services import Line, customer_agreement_record, order_place

_ALPHABET = string.ascii_letters + string.digits


def temporary_password() -> str:
    """16 random characters with at least one lower, upper and digit (password validators pass)."""
    while True:
        value = "".join(secrets.choice(_ALPHABET) for _ in range(16))
        if any(c.islower() for c in value) and any(c.isupper() for c in value) and any(c.isdigit() for c in value):
            return value


@dataclass
class NewCustomer:
    company_name: str
    primary_domain: str
    country: str
    address_line1: str = ""
    city: str = ""
    postal_code: str = ""
    contact_first_name: str = ""
    contact_last_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    signer_name: str = ""
    signer_email: str = ""
    accepted_on: date | None = None
    reseller_id: str = ""
    lines: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class Created:
    customer: Tenant
    admin_email: str
    temporary_password: str  # shown once on the confirmation page; only its hash is stored


def admin_sign_in_for(domain: str) -> str:
    return f"admin@{domain}"


_region_name = lazy(region_name_for_country, str)  # worded when the message is read


def new_customer_checks(*, partner: Tenant, data: NewCustomer) -> dict[str, DomainError]:
    """Field → the error for what the product's rules refuse (used by the wizard's first step too)."""
    errors: dict[str, DomainError] = {}
    try:
        domain = domain_normalize_or_error(data.primary_domain)
    except DomainError as exc:
        errors["primary_domain"] = exc
    else:
        if Tenant.objects.filter(primary_domain=domain).exists():
            errors["primary_domain"] = Conflict(_("This domain is already registered to another organisation."),
                                                field="primary_domain")
        elif User.objects.filter(email__iexact=admin_sign_in_for(domain)).exists():
            errors["primary_domain"] = Conflict(_("An account for this domain exists already."),
                                                field="primary_domain")
    if customer_country_allowed(partner, data.country) is not None:
        errors["country"] = DomainError(_("You can only add customers in %(region)s."), field="country",
                                        params={"region": _region_name(str(partner.country))},
                                        code=Code.REGION_MISMATCH)
    if data.reseller_id:
        if partner.partner_type != PartnerType.INDIRECT_PROVIDER or not is_partnered_reseller(
            provider=partner, reseller_id=data.reseller_id
        ):
            errors["reseller"] = Invalid(_("Choose one of your partnered indirect resellers."), field="reseller")
    return errors


def dap_granted_on_add(*, actor: User, partner: Tenant) -> bool:
    """Whether Add customer gives admin permissions: only when the actor's role may request them
    (a Sales agent may not, PRODUCT.md section 1)."""
    return Perm.RELATIONSHIP_REQUEST_DAP in permissions_of(user=actor, tenant=partner)


def customer_add(*, partner: Tenant, actor: User, data: NewCustomer, idempotency_key: str) -> Created:
    """Tenant, its Global admin (temporary password, must change it), reseller relationship, reseller
    association and admin permissions, customer agreement and orders — all or nothing. Admin permissions
    only when the actor may request them (for an API app: the app's roles, partnercenter.selectors)."""
    if Perm.CUSTOMERS_ADD not in permissions_of(user=actor, tenant=partner):
        raise Forbidden(_("Your role does not allow this."))
    errors = new_customer_checks(partner=partner, data=data)
    if errors:
        raise next(iter(errors.values()))
    password = temporary_password()
    with transaction.atomic():
        customer = tenant_create(
            kind=TenantKind.CUSTOMER, name=data.company_name, primary_domain=data.primary_domain,
            country=data.country, cloud=partner.cloud, actor=actor, address_line1=data.address_line1,
            city=data.city, postal_code=data.postal_code, phone=data.contact_phone,
            contact_first_name=data.contact_first_name, contact_last_name=data.contact_last_name,
            contact_email=data.contact_email,
        )
        admin_email = admin_sign_in_for(customer.primary_domain)
        admin = User(email=admin_email, first_name=data.contact_first_name, last_name=data.contact_last_name,
                     must_change_password=True)
        admin.set_password(password)
        admin.save()
        EmailAddress.objects.create(user=admin, email=admin_email, primary=True, verified=False)
        membership_grant(user=admin, tenant=customer, roles=[Role.CUSTOMER_GLOBAL_ADMIN])
        reseller_relationship_ensure(partner=partner, customer=customer, actor=actor)
        reseller = Tenant.objects.get(id=data.reseller_id) if data.reseller_id else None
        if reseller is not None:
            reseller_relationship_ensure(partner=reseller, customer=customer, actor=actor)
            reseller_association_ensure(customer=customer, reseller=reseller, provider=partner, actor=actor)
        # The partner that will administer the new tenant gets admin permissions, as the creator does,
        # when the actor's role may ask for them.
        if dap_granted_on_add(actor=actor, partner=partner):
            dap_grant(partner=reseller or partner, customer=customer, services=list(Service.values),
                      reassign=False, actor=actor)
        if data.accepted_on is not None:
            customer_agreement_record(partner=partner, customer=customer, actor=actor, signer_name=data.signer_name,
                                      signer_email=data.signer_email, accepted_on=data.accepted_on)
        if any(line.quantity for line in data.lines):
            order_place(partner=partner, customer=customer, actor=actor, lines=data.lines,
                        idempotency_key=idempotency_key, partner_of_record_id=reseller.id if reseller else None)
        log = {"partner": partner.name, "customer": customer.name, "domain": customer.domain_display}
        for tenant in {partner, customer, *( [reseller] if reseller else [])}:
            event_record(tenant=tenant, kind=CustomerEvents.CUSTOMER_ADDED, actor=actor, customer=customer,
                         data=log)
    return Created(customer=customer, admin_email=admin_email, temporary_password=password)
