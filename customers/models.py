"""Relationships between partners and their customers."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partnercenter.models import Tenant, User
from partnercenter.tenancy import PartnerCustomerQuerySet, TenantQuerySet


class RelationshipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REMOVED = "removed", _("Removed")


class RelationshipRole(models.TextChoices):
    """What the partner is to the customer: its reseller, or its advisor (F12: the partner whose trial
    invitation, purchase offer or delegated administration offer the customer accepted). One active row
    per pair: a reseller relationship formed later turns an advisor row into a reseller row."""

    RESELLER = "reseller", _("Reseller")
    ADVISOR = "advisor", _("Advisor")


class ResellerRelationship(models.Model):
    """partner ↔ customer. At most one active row per pair (partial unique index)."""

    id = models.BigAutoField(primary_key=True)
    partner = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="customer_relationships")
    customer = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="partner_relationships")
    status = models.CharField(max_length=16, choices=RelationshipStatus.choices, default=RelationshipStatus.ACTIVE)
    role = models.CharField(max_length=16, choices=RelationshipRole.choices, default=RelationshipRole.RESELLER,
                            db_default=RelationshipRole.RESELLER)
    # Copies of customer.name and customer.primary_domain: the sort key of the Customers list (one
    # index (partner, status, name, id) serves every page of every partner), what its search box
    # matches (trigram indexes, PostgreSQL) and what its rows show, without a join. Filled when the row is
    # created; a database trigger carries every later change of the tenant's name or domain into them
    # (migrations/0006_relationship_copies_trigger.py).
    customer_name = models.CharField(max_length=200, default="")
    customer_domain = models.CharField(max_length=253, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    source_request = models.ForeignKey(
        "invitations.RelationshipRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Removal keeps the row (who ended it and when); the partial unique index covers active rows only,
    # so the customer can be invited again later: a new row, a new history.
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = PartnerCustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("reseller relationship")
        verbose_name_plural = _("reseller relationships")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "customer"], condition=Q(status="active"), name="reseller_rel_one_active"
            ),
            models.CheckConstraint(condition=~Q(partner=models.F("customer")), name="reseller_rel_not_self"),
            models.CheckConstraint(condition=Q(status="active", removed_at__isnull=True)
                                   | Q(status="removed", removed_at__isnull=False), name="reseller_rel_removed_at"),
        ]
        indexes = [
            # Customers list, keyset on (created_at, id) or (customer_name, id). Covering (PostgreSQL):
            # a page, or the walk along the names that the reseller filter does, never reads the table.
            # The domain is included so that a search can walk either index without reading the table.
            models.Index(fields=["partner", "status", "-created_at", "-id"], name="reseller_rel_list_idx",
                         include=["customer", "customer_name", "customer_domain"]),
            models.Index(fields=["partner", "status", "customer_name", "id"], name="reseller_rel_name_idx",
                         include=["customer", "created_at", "customer_domain"]),
            models.Index(fields=["customer", "status"], name="reseller_rel_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} → {self.customer}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and not self.customer_name and self.customer_id:
            self.customer_name, self.customer_domain = self.customer.name, self.customer.primary_domain
        super().save(*args, **kwargs)


class Service(models.TextChoices):
    """Services a partner can hold delegated admin permissions for."""

    PRODUCTIVITY = "productivity", _("Productivity suite (email, office apps)")
    BUSINESS_APPS = "business_apps", _("Business applications")
    INFRASTRUCTURE = "infrastructure", _("Cloud infrastructure")


class DelegatedAdminPermission(models.Model):
    """DAP: partner → customer for one service. Multichannel: one active admin partner per service."""

    id = models.BigAutoField(primary_key=True)
    partner = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="dap_granted")
    customer = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="dap_holders")
    service = models.CharField(max_length=32, choices=Service.choices)
    status = models.CharField(max_length=16, choices=RelationshipStatus.choices, default=RelationshipStatus.ACTIVE)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = PartnerCustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegated admin permission")
        verbose_name_plural = _("delegated admin permissions")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "service"], condition=Q(status="active"), name="dap_one_admin_partner_per_service"
            ),
        ]
        indexes = [models.Index(fields=["partner", "customer", "status"], name="dap_partner_customer_idx")]

    def __str__(self) -> str:
        return f"{self.partner} → {self.customer} ({self.service})"


class AgreementQuerySet(TenantQuerySet):
    """The customer's own agreement; a partner sees the agreements of its active customers."""

    customer_fields = ("customer",)

    def scope(self, tenant: Tenant) -> Q | None:
        if tenant.kind != "partner":
            return super().scope(tenant)
        active = ResellerRelationship.objects.filter(partner=tenant, status=RelationshipStatus.ACTIVE)
        return Q(customer_id__in=active.values("customer_id"))


class CustomerAgreement(models.Model):
    """The customer's acceptance of the customer agreement (MCA). Purchases need it."""

    customer = models.OneToOneField(Tenant, on_delete=models.CASCADE, primary_key=True, related_name="agreement")
    signer_name = models.CharField(_("Signer name"), max_length=200)
    signer_email = models.EmailField(_("Signer email"))
    accepted_on = models.DateField(_("Acceptance date"))
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_by_partner = models.ForeignKey(Tenant, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer agreement")
        verbose_name_plural = _("customer agreements")

    def __str__(self) -> str:
        return f"{self.customer} · {self.accepted_on}"


class AssociationQuerySet(TenantQuerySet):
    partner_fields = ("provider", "reseller")
    customer_fields = ("customer",)


class ResellerAssociation(models.Model):
    """customer ↔ indirect reseller, under one indirect provider. At most one active per customer and
    provider. Created by a provider adding a customer for a reseller or by a combined invitation."""

    id = models.BigAutoField(primary_key=True)
    customer = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="reseller_associations")
    reseller = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="associated_customers")
    provider = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=RelationshipStatus.choices, default=RelationshipStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = AssociationQuerySet.as_manager()

    class Meta:
        verbose_name = _("reseller association")
        verbose_name_plural = _("reseller associations")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "provider"], condition=Q(status="active"), name="association_one_per_provider"
            ),
        ]
        indexes = [models.Index(fields=["provider", "reseller", "status"], name="association_reseller_idx")]

    def __str__(self) -> str:
        return f"{self.customer} → {self.reseller} ({self.provider})"
