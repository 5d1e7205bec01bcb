"""The two-tier channel: an indirect provider partnered with indirect resellers.

The partnership flows (request, accept, remove) arrive with the two-tier issue; the model is here
already because buying rules depend on it (partner of record, designated support contact)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partnercenter.models import Tenant


class PartnershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REMOVED = "removed", _("Removed")


class IndirectPartnership(models.Model):
    id = models.BigAutoField(primary_key=True)
    provider = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="reseller_partnerships")
    reseller = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="provider_partnerships")
    status = models.CharField(max_length=16, choices=PartnershipStatus.choices, default=PartnershipStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

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


class PartnershipRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class PartnershipRequest(models.Model):
    """An indirect provider's invitation to an indirect reseller. Only the token digest is stored."""

    id = models.BigAutoField(primary_key=True)
    provider = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="partnership_requests")
    created_by = models.ForeignKey("partnercenter.User", on_delete=models.SET_NULL, null=True, related_name="+")
    # Addressed to a registered reseller (by MPN ID): it also appears on that reseller's page.
    reseller = models.ForeignKey(Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    email = models.CharField(_("Reseller email"), max_length=254, blank=True, default="")
    token_digest = models.CharField(max_length=64, unique=True)
    token_last4 = models.CharField(max_length=4)
    status = models.CharField(max_length=16, choices=PartnershipRequestStatus.choices,
                              default=PartnershipRequestStatus.PENDING)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When the link was last replaced (Resend, or a confirmed new request to the same reseller).
    reissued_at = models.DateTimeField(null=True, blank=True)
    accepted_reseller = models.ForeignKey(Tenant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

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

    def __str__(self) -> str:
        return f"…{self.token_last4} ({self.status})"

    @property
    def effective_status(self) -> str:
        from django.utils import timezone

        if self.status == PartnershipRequestStatus.PENDING and timezone.now() >= self.expires_at:
            return PartnershipRequestStatus.EXPIRED
        return self.status

    def get_effective_status_display(self) -> str:
        return str(PartnershipRequestStatus(self.effective_status).label)
