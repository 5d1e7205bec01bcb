"""Writes of the tenancy core. Keyword-only, one transaction each, raising domain errors."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from partnercenter.domains import InvalidDomain, email_to_ascii, normalize_domain
from partnercenter.errors import Conflict, Invalid
from partnercenter.events import CoreEvents, event_record
from partnercenter.models import (
    CompanyProfile,
    Membership,
    PartnerType,
    Tenant,
    TenantKind,
    User,
)
from partnercenter.outbox import (  # noqa: F401  the outbox's writes, long imported from here
    OutboxSendFailed,
    outbox_due,
    outbox_email_create,
    outbox_email_create_raw,
    outbox_email_deliver,
    outbox_sweep,
)
from partnercenter.roles import Role

logger = logging.getLogger(__name__)


# --- Tenants ------------------------------------------------------------------------------------


def domain_normalize_or_error(value: str, *, field: str = "primary_domain") -> str:

    try:
        return normalize_domain(value)
    except InvalidDomain as exc:
        raise Invalid(exc.message, field=field) from None


def tenant_create(
    *,
    kind: str,
    name: str,
    primary_domain: str,
    country: str,
    cloud: str,
    actor: User | None = None,
    mpn_id: str | None = None,
    partner_type: str = "",
    ip: str | None = None,
    **fields: Any,
) -> Tenant:
    from django.utils.translation import gettext_lazy as _

    domain = domain_normalize_or_error(primary_domain)
    if Tenant.objects.filter(primary_domain=domain).exists():
        raise Conflict(_("This domain is already registered to another organisation."), field="primary_domain")
    try:
        with transaction.atomic():
            tenant = Tenant.objects.create(
                kind=kind,
                name=name.strip(),
                primary_domain=domain,
                country=country,
                cloud=cloud,
                mpn_id=mpn_id if kind == TenantKind.PARTNER else None,
                partner_type=partner_type if kind == TenantKind.PARTNER else "",
                **fields,
            )
            if kind == TenantKind.PARTNER:
                CompanyProfile.objects.create(tenant=tenant, legal_name=tenant.name, country=country)
            event_record(tenant=tenant, kind=CoreEvents.TENANT_CREATED, actor=actor, data={"name": tenant.name},
                         ip=ip)
    except IntegrityError:
        # The check above races with a concurrent sign-up of the same domain; the unique index decides.
        raise Conflict(
            _("This domain is already registered to another organisation."), field="primary_domain"
        ) from None
    return tenant


def partner_tenant_create(
    *, name: str, primary_domain: str, country: str, cloud: str, mpn_id: str, partner_type: str, **fields: Any
) -> Tenant:
    if partner_type not in PartnerType.values:
        raise ValueError(partner_type)
    return tenant_create(
        kind=TenantKind.PARTNER, name=name, primary_domain=primary_domain, country=country, cloud=cloud,
        mpn_id=mpn_id, partner_type=partner_type, **fields,
    )


def membership_grant(*, user: User, tenant: Tenant, roles: list[str]) -> None:
    for role in roles:
        Membership.objects.get_or_create(user=user, tenant=tenant, role=role, defaults={"is_active": True})


def customer_with_admin_create(
    *,
    company_name: str,
    primary_domain: str,
    country: str,
    cloud: str,
    email: str,
    password: str,
    language: str,
    email_verified: bool,
    ip: str | None = None,
    password_hash: str = "",
) -> tuple[Tenant, User]:
    """A new customer tenant and its first Global admin, in one transaction. `password_hash`: a
    password hashed earlier (a sign-up confirmed by email) instead of `password`."""
    from allauth.account.models import EmailAddress
    from django.utils.translation import gettext_lazy as _

    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise Conflict(
                _("An account with this email already exists. Sign in instead."), field="email"
            )
        # Stored as punycode, shown in Unicode (sign-in accepts either form).
        user = User(email=email_to_ascii(User.objects.normalize_email(email)), language=language)
        if password_hash:
            user.password = password_hash
        else:
            user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise Conflict(_("An account with this email already exists. Sign in instead."), field="email") from None
        tenant = tenant_create(
            kind=TenantKind.CUSTOMER, name=company_name, primary_domain=primary_domain, country=country,
            cloud=cloud, actor=user, ip=ip,
        )
        membership_grant(user=user, tenant=tenant, roles=[Role.CUSTOMER_GLOBAL_ADMIN])
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    return tenant, user


def company_profile_update(
    *, tenant: Tenant, actor: User, data: dict[str, Any], ip: str | None = None
) -> CompanyProfile:
    with transaction.atomic():
        profile = CompanyProfile.objects.select_for_update().get(tenant=tenant)
        changed = [name for name, value in data.items() if getattr(profile, name) != value]
        for name in changed:
            setattr(profile, name, data[name])
        if changed:
            profile.save()
            event_record(
                tenant=tenant, kind=CoreEvents.PROFILE_UPDATED, actor=actor, data={"fields": changed},
                ip=ip,
            )
    return profile


def tenant_mfa_requirement_set(*, tenant: Tenant, actor: User, required: bool, ip: str | None = None) -> None:
    with transaction.atomic():
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if locked.mfa_required == required:
            return
        locked.mfa_required = required
        locked.save(update_fields=["mfa_required"])
        event_record(tenant=locked, kind=CoreEvents.MFA_POLICY, actor=actor, data={"required": required}, ip=ip)
    tenant.mfa_required = required


def user_language_set(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValueError(language)
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
