"""A customer's domains beyond its primary domain: the user names of its users end in one of them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from partnercenter.domains import domain_to_unicode
from partnercenter.models import Tenant
from partnercenter.tenancy import OwnTenantQuerySet


class CustomerDomain(models.Model):
    """One more domain of a customer tenant (the primary one stays Tenant.primary_domain). Stored as
    lower-case punycode like the primary domain (partnercenter.domains.normalize_domain), shown in Unicode;
    unique over every tenant's extra domains (customerusers.admin refuses another tenant's primary one)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="extra_domains",
                               verbose_name=_("customer"))
    name = models.CharField(_("domain"), max_length=253, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnTenantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer domain")
        verbose_name_plural = _("customer domains")

    def __str__(self) -> str:
        return domain_to_unicode(self.name)
