"""Advisor offers (F12, seed 001): trial invitations, purchase offers and delegated administration
offers. Each is a reusable tokenised link (links.TokenLink, kind "advisor_offer") that carries the
advisor's code, is addressed to nobody and may be posted on a website; a customer's acceptance is a
durable row that a task applies (as invitations.Acceptance is)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from links.models import LinkStatus, TokenLink
from partnercenter.models import Tenant, User
from partnercenter.tenancy import TenantQuerySet
from subscriptions.models import Offer


class OfferKind(models.TextChoices):
    TRIAL = "trial", _("Trial invitation")
    PURCHASE = "purchase", _("Purchase offer")
    DAP = "dap", _("Delegated administration offer")


class AdvisorOfferQuerySet(TenantQuerySet):
    """The partner's own offers; a customer reaches one only through its link."""

    partner_fields = ("partner",)


class OfferAcceptanceQuerySet(TenantQuerySet):
    partner_fields = ("offer__partner",)
    customer_fields = ("customer",)


class AdvisorOffer(TokenLink):
    """One offer of a partner acting as advisor. Deactivating it is the link lifecycle's revoke."""

    kind = "advisor_offer"
    issuer_field = "partner"

    id = models.BigAutoField(primary_key=True)
    partner = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="advisor_offers")
    offer_kind = models.CharField(_("Kind"), max_length=16, choices=OfferKind.choices)
    include_dap = models.BooleanField(_("Include delegated administration"), default=False)
    # "Send new offer": the purchase offer this one was copied from to adjust.
    copied_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    opened_count = models.PositiveIntegerField(_("Opened"), default=0)
    acceptance_count = models.PositiveIntegerField(_("Accepted"), default=0)

    objects = AdvisorOfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("advisor offer")
        verbose_name_plural = _("advisor offers")
        constraints = [
            # Addressed to nobody: the URL may be posted on a website (seed 001).
            models.CheckConstraint(condition=Q(email=""), name="advisor_offer_unaddressed"),
            # A delegated administration offer is nothing but delegated administration.
            models.CheckConstraint(condition=~Q(offer_kind="dap") | Q(include_dap=True), name="advisor_offer_dap"),
        ]
        indexes = [models.Index(fields=["partner", "-id"], name="advisor_offer_partner_idx")]

    @property
    def is_active(self) -> bool:
        return self.effective_status == LinkStatus.PENDING

    def activity_extra(self) -> dict:
        return {"offer_kind": self.offer_kind}


class AdvisorOfferLine(models.Model):
    """What an offer contains: one trial offer (trial invitation) or offers with license counts."""

    id = models.BigAutoField(primary_key=True)
    advisor_offer = models.ForeignKey(AdvisorOffer, on_delete=models.CASCADE, related_name="lines")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+", verbose_name=_("Offer"))
    quantity = models.PositiveIntegerField(_("Licenses"))

    class Meta:
        verbose_name = _("advisor offer line")
        verbose_name_plural = _("advisor offer lines")
        constraints = [
            models.UniqueConstraint(fields=["advisor_offer", "offer"], name="advisor_offer_line_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="advisor_offer_line_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.offer} × {self.quantity}"


class OfferAcceptanceStatus(models.TextChoices):
    PROCESSING = "processing", _("Processing…")
    SUCCEEDED = "succeeded", _("Accepted")
    FAILED = "failed", _("Refused")


class OfferAcceptance(models.Model):
    """A customer's "Accept" of an offer: what it chose (counts, delegated administration) and, while
    'processing', the durable job a task applies."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    offer = models.ForeignKey(AdvisorOffer, on_delete=models.CASCADE, related_name="acceptances")
    customer = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(max_length=16, choices=OfferAcceptanceStatus.choices,
                              default=OfferAcceptanceStatus.PROCESSING)
    # The counts the customer chose, [[offer id, quantity], …] (a purchase offer's may differ from the offer's).
    quantities = models.JSONField(default=list, blank=True)
    include_dap = models.BooleanField(default=False)  # the customer agreed to delegated administration
    dap_choice = models.CharField(max_length=16, blank=True)  # invitations.models.DapChoice
    order = models.ForeignKey("subscriptions.Order", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    granted_services = models.JSONField(default=list, blank=True)
    result_code = models.CharField(max_length=32, blank=True)
    result_params = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    deliveries = models.PositiveIntegerField(default=0)
    last_delivery_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    objects = OfferAcceptanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer acceptance")
        verbose_name_plural = _("offer acceptances")
        constraints = [
            # A customer accepts a given offer once; a double click or two browsers give one row.
            models.UniqueConstraint(fields=["offer", "customer"], name="offer_acceptance_one_per_customer"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="offer_acceptance_status_idx")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.status}"

    @property
    def result_text(self) -> str:
        from invitations.refusals import refusal_text

        return refusal_text(self.result_code, self.result_params)
