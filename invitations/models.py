"""Relationship requests (a kind of links.TokenLink) and the customers' acceptances of them."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from links.models import LinkStatus, TokenLink
from partnercenter.models import Tenant, User
from partnercenter.tenancy import TenantQuerySet

RequestStatus = LinkStatus  # the one vocabulary of every link kind


class RequestQuerySet(TenantQuerySet):
    """The partner's own requests (the ones it issued). A customer lists none: it reaches a request
    through its link (links.services.link_by_token) and its answer through its own Acceptance."""

    partner_fields = ("partner",)


class AcceptanceQuerySet(TenantQuerySet):
    """The customer's own answers; the partner sees the answers to its requests."""

    partner_fields = ("request__partner",)
    customer_fields = ("customer",)


class RelationshipRequest(TokenLink):
    """A partner's invitation to a reseller relationship (F2, F3)."""

    kind = "relationship_request"
    issuer_field = "partner"

    id = models.BigAutoField(primary_key=True)
    partner = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="relationship_requests")
    # Combined invitation (F3): an indirect reseller invites for itself and this partnered provider.
    provider = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("Indirect provider")
    )
    include_dap = models.BooleanField(_("Include delegated administration privileges"), default=False)
    # The customer's address; empty for an unaddressed link.
    email = models.CharField(_("Customer email"), max_length=254, blank=True, default="")
    reusable = models.BooleanField(_("Reusable link"), default=False)
    acceptance_count = models.PositiveIntegerField(default=0)
    accepted_customer = models.ForeignKey(
        Tenant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("relationship request")
        verbose_name_plural = _("relationship requests")
        constraints = [
            # One pending request per addressed customer email and partner.
            models.UniqueConstraint(
                fields=["partner", "email"],
                condition=Q(status="pending") & ~Q(email=""),
                name="request_one_pending_per_email",
            ),
            models.CheckConstraint(condition=Q(email="") | Q(reusable=False), name="request_addressed_single_use"),
        ]
        indexes = [models.Index(fields=["partner", "-id"], name="request_partner_id_idx")]

    def activity_extra(self) -> dict:
        return {"email": self.email}


class AcceptanceStatus(models.TextChoices):
    PROCESSING = "processing", _("Processing…")
    SUCCEEDED = "succeeded", _("Accepted")
    FAILED = "failed", _("Refused")
    DECLINED = "declined", _("Declined")


class DapChoice(models.TextChoices):
    REASSIGN = "reassign", _("Reassign admin permissions to this partner")
    KEEP = "keep", _("Keep the current admin partner (accept the reseller relationship only)")


class Acceptance(models.Model):
    """A customer's answer to a request. While 'processing' it is the durable job a task applies."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(RelationshipRequest, on_delete=models.CASCADE, related_name="acceptances")
    customer = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(max_length=16, choices=AcceptanceStatus.choices, default=AcceptanceStatus.PROCESSING)
    dap_choice = models.CharField(max_length=16, choices=DapChoice.choices, blank=True)
    include_dap = models.BooleanField(default=False)
    result_code = models.CharField(max_length=32, blank=True)
    result_params = models.JSONField(default=dict, blank=True)
    granted_services = models.JSONField(default=list, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    deliveries = models.PositiveIntegerField(default=0)
    last_delivery_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    objects = AcceptanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")
        constraints = [
            # A customer answers a given request once; a double click or two browsers give one row.
            models.UniqueConstraint(fields=["request", "customer"], name="acceptance_one_per_customer"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="acceptance_status_idx")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.status}"

    @property
    def result_text(self) -> str:
        from invitations.refusals import refusal_text

        return refusal_text(self.result_code, self.result_params)


class BulkStatus(models.TextChoices):
    PREVIEW = "preview", _("Preview")
    SENT = "sent", _("Sent")


class BulkQuerySet(TenantQuerySet):
    partner_fields = ("partner",)


class BulkInvitation(models.Model):
    """An uploaded CSV of customers to invite ("Invite many customers"): the checked rows and the
    rejected ones with their reason, shown as a preview; "Send" turns the accepted rows into a
    background job (invitations/jobs.py), one addressed relationship request per row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200, blank=True)
    include_dap = models.BooleanField(_("Include delegated administration privileges"), default=False)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    language = models.CharField(max_length=8)  # the draft's language: what a row without one is filed in
    # [[line, email, company, language], ...] accepted; [[line, email, code], ...] rejected (bulkcsv codes).
    rows = models.JSONField(default=list)
    rejected = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=BulkStatus.choices, default=BulkStatus.PREVIEW)
    job = models.OneToOneField("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = BulkQuerySet.as_manager()

    class Meta:
        verbose_name = _("bulk invitation")
        verbose_name_plural = _("bulk invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename or self.id} ({self.status})"
