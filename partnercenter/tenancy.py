"""Tenant-owned rows and the one way to scope them: `Model.objects.visible_to(tenant)`.

Every model that belongs to tenants declares which of its fields name the owning tenant on the partner
side and on the customer side. Selectors start from `visible_to(tenant)` and narrow from there, so a
query cannot forget the tenant. A tenant of the other kind, or None, sees nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from partnercenter.models import Tenant

PARTNER = "partner"  # TenantKind.PARTNER; partnercenter.models imports this module


class TenantQuerySet(models.QuerySet):
    partner_fields: tuple[str, ...] = ()
    customer_fields: tuple[str, ...] = ()

    def scope(self, tenant: Tenant) -> Q | None:
        """The condition for rows `tenant` may see; None: nothing. Override for rows owned indirectly."""
        fields = self.partner_fields if tenant.kind == PARTNER else self.customer_fields
        if not fields:
            return None
        condition = Q()
        for name in fields:
            condition |= Q(**{name: tenant})
        return condition

    def visible_to(self, tenant: Tenant | None) -> TenantQuerySet:
        condition = self.scope(tenant) if tenant is not None and tenant.pk else None
        return self.none() if condition is None else self.filter(condition)



class PartnerCustomerQuerySet(TenantQuerySet):
    """Rows between a partner (`partner`) and a customer (`customer`): each side sees its own."""

    partner_fields = ("partner",)
    customer_fields = ("customer",)


class OwnTenantQuerySet(TenantQuerySet):
    """Rows of one tenant of either kind (`tenant`)."""

    partner_fields = ("tenant",)
    customer_fields = ("tenant",)
