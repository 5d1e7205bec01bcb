"""The customer's writes on admin permissions: "Remove delegated admin" and "Reassign admin permissions".

Both lock the customer's tenant row first, as the acceptance of a relationship request does
(invitations.services.acceptance_process): every change of a customer's admin permissions is then
serialised, so two reassignments, or a reassignment and a removal, racing for one service give one
outcome and a clear refusal for the other instead of a unique-index violation (a 500)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.events import CustomerEvents
from customers.models import DelegatedAdminPermission, RelationshipStatus, ResellerRelationship, Service
from customers.rules import dap_allowed
from customers.services import dap_grant
from partnercenter.errors import Code, Conflict, DomainError, Forbidden, Invalid, Stale
from partnercenter.events import event_record
from partnercenter.models import Membership, Tenant, TenantKind, User
from partnercenter.roles import Role
from partnercenter.selectors import tenant_users_with_roles
from partnercenter.services import outbox_email_create


def _lock_customer(customer: Tenant) -> None:
    Tenant.objects.select_for_update(no_key=True).filter(pk=customer.pk).values_list("pk").first()


def _actor_check(*, actor: User, customer: Tenant) -> None:
    """Re-checked here for callers other than the views (the API of a later issue)."""
    if customer.kind != TenantKind.CUSTOMER or not Membership.objects.filter(
        user=actor, tenant=customer, role=Role.CUSTOMER_GLOBAL_ADMIN, is_active=True
    ).exists():
        raise Forbidden(_("Only a Global admin of your organisation can change admin permissions."))


def _valid_services(services: list[str]) -> list[str]:
    chosen = [s for s in Service.values if s in set(services)]
    if not chosen or len(chosen) != len(set(services)):
        raise Invalid(_("Choose at least one service."), field="services")
    return chosen


def _held_rows(*, customer: Tenant, partner: Tenant, services: list[str]) -> list[DelegatedAdminPermission]:
    rows = list(
        DelegatedAdminPermission.objects.select_for_update()
        .filter(customer=customer, partner=partner, service__in=services, status=RelationshipStatus.ACTIVE)
        .order_by("service")
    )
    if not rows:
        # The page was drawn before someone else (another admin, another tab, the partner) changed it.
        raise Stale(
            _("%(partner)s no longer holds admin permissions for the services you chose. The page now shows "
              "the current state."),
            params={"partner": partner.name}, field="services",
        )
    return rows


def _notify_partner(*, partner: Tenant, customer: Tenant, services: list[str]) -> None:
    """Mail the partner's Global admins and Admin agents, each in their own language."""
    for user in tenant_users_with_roles(tenant=partner, roles=[Role.GLOBAL_ADMIN, Role.ADMIN_AGENT]):
        outbox_email_create(
            to_email=user.email,
            template="dap_removed",
            language=user.language or settings.LANGUAGE_CODE,
            tenant=partner,
            context={
                "partner": partner,
                "customer": customer,
                # Lazy labels: rendered inside the recipient's language.
                "services": [_(Service(code).label) for code in services],
                "customers_url": f"{settings.SITE_URL}/customers/",
            },
        )


def dap_remove(
    *, customer: Tenant, partner: Tenant, services: list[str], actor: User, ip: str | None = None
) -> list[str]:
    """End the partner's admin permissions for the chosen services it still holds; the reseller
    relationship stays (seed 000). Returns the services removed; refuses when none is held any more."""
    chosen = _valid_services(services)
    with transaction.atomic():
        _lock_customer(customer)
        _actor_check(actor=actor, customer=customer)
        rows = _held_rows(customer=customer, partner=partner, services=chosen)
        now = timezone.now()
        removed = [row.service for row in rows]
        DelegatedAdminPermission.objects.filter(id__in=[row.id for row in rows]).update(
            status=RelationshipStatus.REMOVED, removed_at=now
        )
        data = {"partner": partner.name, "partner_id": str(partner.id), "services": removed}
        for tenant in (partner, customer):
            event_record(tenant=tenant, kind=CustomerEvents.DAP_REMOVED, actor=actor, customer=customer,
                         data=data, ip=ip)
        _notify_partner(partner=partner, customer=customer, services=removed)
    return removed


def dap_reassign(
    *, customer: Tenant, partner: Tenant, new_partner: Tenant, services: list[str], actor: User,
    ip: str | None = None,
) -> list[str]:
    """Move the partner's admin permissions for the chosen services to another partner that is a
    reseller of this customer (multichannel). The move itself is the acceptance's reassignment
    (customers.services.dap_grant); the partial unique index keeps one admin partner per service."""
    chosen = _valid_services(services)
    with transaction.atomic():
        _lock_customer(customer)
        _actor_check(actor=actor, customer=customer)
        if new_partner.pk == partner.pk:
            raise Invalid(_("Choose another partner than the current admin partner."), field="new_partner")
        if not dap_allowed(customer):
            raise DomainError(_("Admin permissions do not exist in the US Government cloud."),
                              field="new_partner", code=Code.US_GOVERNMENT)
        # Locking the new partner's relationship row makes a removal of that relationship running at
        # the same moment wait for this transaction (and then end the permissions given here) or win
        # before it (and then this refuses).
        if not ResellerRelationship.objects.select_for_update().filter(
            partner=new_partner, customer=customer, status=RelationshipStatus.ACTIVE
        ).exists():
            raise Conflict(
                _("%(partner)s is no longer a reseller of your organisation."),
                params={"partner": new_partner.name}, field="new_partner", code=Code.NOT_RESELLER,
            )
        rows = _held_rows(customer=customer, partner=partner, services=chosen)
        moved = dap_grant(partner=new_partner, customer=customer, services=[row.service for row in rows],
                          reassign=True, actor=actor, ip=ip)
        _notify_partner(partner=partner, customer=customer, services=moved)
    return moved
