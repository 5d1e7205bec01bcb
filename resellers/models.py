"""The two-tier channel: an indirect provider partnered with indirect resellers.

The partnership flows (request, accept, remove) arrive with the two-tier issue; the model is here
already because buying rules depend on it (partner of record, designated support contact)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from links.models import LinkStatus, TokenLink
from partnercenter.models import Tenant
from partnercenter.tenancy import TenantQuerySet


class PartnershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REMOVED = "removed", _("Removed")


class PartnershipQuerySet(TenantQuerySet):
    """A partnership is seen by both sides: its provider and its reseller."""

    partner_fields = ("provider", "reseller")


class IndirectPartnership(models.Model):
    id = models.BigAutoField(primary_key=True)
    provider = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="reseller_partnerships")
    reseller = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="provider_partnerships")
    status = models.CharField(max_length=16, choices=PartnershipStatus.choices, default=PartnershipStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("indirect partnership")
        verbose_name_plural = _("indirect partnerships")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "reseller"], condition=Q(status="active"), name="partnership_one_active"
            ),
            models.CheckConstraint(condition=~Q(provider=models.F("reseller")), name="partnership_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} ↔ {self.reseller}"


PartnershipRequestStatus = LinkStatus  # the one vocabulary of every link kind


class PartnershipRequestQuerySet(TenantQuerySet):
    """The provider's own requests, and those a reseller was addressed by (MPN ID) or accepted."""

    partner_fields = ("provider", "reseller", "accepted_reseller")


class PartnershipRequest(TokenLink):
    """An indirect provider's invitation to an indirect reseller (F6)."""

    kind = "partnership_request"
    issuer_field = "provider"

    id = models.BigAutoField(primary_key=True)
    provider = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="partnership_requests")
    # Addressed to a registered reseller (by MPN ID): it also appears on that reseller's page.
    reseller = models.ForeignKey(Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    email = models.CharField(_("Reseller email"), max_length=254, blank=True, default="")
    accepted_reseller = models.ForeignKey(Tenant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Asked for by the reseller ("Request to partner" in the directory): the provider answers it, not the
    # reseller; its token is never shown to anyone (nobody opens it as a link).
    asked_by_reseller = models.BooleanField(default=False)

    objects = PartnershipRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership request")
        verbose_name_plural = _("partnership requests")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "reseller"], condition=Q(status="pending") & Q(reseller__isnull=False),
                name="partnership_request_one_pending_per_reseller",
            ),
        ]
        indexes = [models.Index(fields=["provider", "-id"], name="partnership_req_provider_idx")]
