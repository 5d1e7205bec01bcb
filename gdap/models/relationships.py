"""The role catalog, admin relationships, the requests on them and the customer's approval link."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gdap.models.base import Versioned
from links.models import TokenLink
from partnercenter.models import Tenant, User
from partnercenter.tenancy import PartnerCustomerQuerySet

GLOBAL_ADMINISTRATOR_ID = uuid.UUID("62e90394-69f5-4237-9190-012177145e10")
AUTO_EXTEND_DURATION = timedelta(days=180)
MIN_DURATION = timedelta(days=1)
MAX_DURATION = timedelta(days=730)


class RoleDefinition(models.Model):
    """A Microsoft Entra built-in role GDAP offers: `id` is its real role template id. The catalog is
    loaded by a data migration from gdap/data/roles.json; operators add rows or hide them
    (`is_active`) in Django admin; hide a role rather than delete it."""

    id = models.UUIDField(_("role template ID"), primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.SlugField(_("category"), max_length=40, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_de = models.TextField(_("description (German)"), blank=True)
    description_hu = models.TextField(_("description (Hungarian)"), blank=True)
    highlight = models.BooleanField(_("highlight as the most powerful role"), default=False)
    is_active = models.BooleanField(_("offered in new requests"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("role definition")
        verbose_name_plural = _("role definitions")

    def __str__(self) -> str:
        return self.name

    @property
    def description(self) -> str:
        """The description in the active language, English where that one is empty."""
        language = (get_language() or "en")[:2]
        return getattr(self, f"description_{language}", "") or self.description_en

    @property
    def is_global_administrator(self) -> bool:
        return self.pk == GLOBAL_ADMINISTRATOR_ID


class RelationshipStatus(models.TextChoices):
    """Graph's delegatedAdminRelationshipStatus, with its exact values."""

    CREATED = "created", _("Created")
    APPROVAL_PENDING = "approvalPending", _("Approval pending")
    APPROVED = "approved", _("Approved")
    ACTIVATING = "activating", _("Activating")
    ACTIVE = "active", _("Active")
    EXPIRING = "expiring", _("Expiring")
    EXPIRED = "expired", _("Expired")
    TERMINATION_REQUESTED = "terminationRequested", _("Termination requested")
    TERMINATING = "terminating", _("Terminating")
    TERMINATED = "terminated", _("Terminated")


# Statuses that give access (with end_at still in the future), and statuses that are final.
LIVE = frozenset({RelationshipStatus.ACTIVE, RelationshipStatus.EXPIRING})
ENDED = frozenset({RelationshipStatus.EXPIRED, RelationshipStatus.TERMINATED})


class TerminatedSide(models.TextChoices):
    PARTNER = "partner", _("Partner")
    CUSTOMER = "customer", _("Customer")


class RelationshipQuerySet(PartnerCustomerQuerySet):
    """visible_to(tenant): the partner sees the relationships it created, the customer those bound to it
    once approval was requested (a `created` draft, or one without a customer, is the partner's alone)."""

    def scope(self, tenant: Tenant) -> Q | None:
        condition = super().scope(tenant)
        if condition is not None and tenant.kind != "partner":
            condition &= ~Q(status=RelationshipStatus.CREATED)
        return condition

    def live(self, now=None) -> RelationshipQuerySet:  # noqa: ANN001
        return self.filter(status__in=LIVE, end_at__gt=now or timezone.now())


class AdminRelationship(Versioned):
    """Graph's delegatedAdminRelationship: partner → customer, a set of roles, for `duration` from
    activation. `customer` may be empty until approval binds it (Graph allows that; the portal's pages
    always set it). `etag` changes with every write (Versioned)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="gdap_relationships")
    customer = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="gdap_partner_relationships"
    )
    display_name = models.CharField(_("Display name"), max_length=50)
    roles = models.ManyToManyField(RoleDefinition, related_name="relationships", verbose_name=_("Roles"))
    duration = models.DurationField(_("Duration"))
    auto_extend_duration = models.DurationField(_("Auto-extend"), default=timedelta(0))
    status = models.CharField(max_length=24, choices=RelationshipStatus.choices, default=RelationshipStatus.CREATED)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    activated_at = models.DateTimeField(null=True, blank=True)
    end_at = models.DateTimeField(null=True, blank=True)  # activated_at + duration (+ each auto-extension)
    terminated_at = models.DateTimeField(null=True, blank=True)
    terminated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    terminated_side = models.CharField(max_length=16, choices=TerminatedSide.choices, blank=True)
    template = models.ForeignKey(
        "gdap.RoleTemplate", on_delete=models.SET_NULL, null=True, blank=True, related_name="relationships"
    )
    # The expiry sweep's bookkeeping (gdap.services.time): the last end reminder mailed (30, 7 or 1 days
    # before) and the end_at it was for, so an extension re-arms the reminders. Written with .update():
    # a mail is not a change of the resource, the ETag stays.
    reminder_days = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    reminder_end_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = RelationshipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("admin relationship")
        verbose_name_plural = _("admin relationships")
        constraints = [
            models.UniqueConstraint("partner", Lower("display_name"), name="gdap_rel_display_name_unique"),
            models.CheckConstraint(condition=Q(duration__gte=MIN_DURATION, duration__lte=MAX_DURATION),
                                   name="gdap_rel_duration_range"),
            models.CheckConstraint(condition=Q(auto_extend_duration__in=[timedelta(0), AUTO_EXTEND_DURATION]),
                                   name="gdap_rel_auto_extend_values"),
            models.CheckConstraint(condition=~Q(partner=models.F("customer")), name="gdap_rel_not_self"),
        ]
        indexes = [
            # The Customers list's per-customer summary and the customer's "Admin relationships".
            models.Index(fields=["partner", "customer", "status"], name="gdap_rel_partner_customer_idx"),
            models.Index(fields=["customer", "status"], name="gdap_rel_customer_idx"),
            # The expiry sweep and "Expiring admin relationships".
            models.Index(fields=["status", "end_at"], name="gdap_rel_status_end_idx"),
            models.Index(fields=["partner", "status", "end_at"], name="gdap_rel_partner_end_idx"),
            # "Expiring admin relationships" in end order (LIMIT 50 reads 50 entries, not the whole window).
            models.Index(fields=["partner", "end_at"], condition=Q(status__in=["active", "expiring"]),
                         name="gdap_rel_live_end_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def auto_extends(self) -> bool:
        return bool(self.auto_extend_duration)

    @property
    def is_live(self) -> bool:
        return self.status in LIVE and self.end_at is not None and self.end_at > timezone.now()


class RequestAction(models.TextChoices):
    LOCK_FOR_APPROVAL = "lockForApproval", _("Lock for approval")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    TERMINATE = "terminate", _("Terminate")


class RequestStatus(models.TextChoices):
    CREATED = "created", _("Created")
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class RequestQuerySet(models.QuerySet):
    def visible_to(self, tenant: Tenant | None) -> RequestQuerySet:
        return self.filter(relationship__in=AdminRelationship.objects.visible_to(tenant))


class AdminRelationshipRequest(models.Model):
    """Graph's delegatedAdminRelationshipRequest. An approve or terminate request is `pending` while its
    task runs (the durable job, re-queued by the sweep); `failure_code` says why one failed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    relationship = models.ForeignKey(AdminRelationship, on_delete=models.CASCADE, related_name="requests")
    action = models.CharField(max_length=24, choices=RequestAction.choices)
    status = models.CharField(max_length=16, choices=RequestStatus.choices, default=RequestStatus.CREATED)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The customer tenant the approving user acted for (binds a relationship created without a customer).
    customer = models.ForeignKey(Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    approval = models.ForeignKey("gdap.GdapApproval", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="requests")
    failure_code = models.CharField(max_length=32, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    deliveries = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_modified_at = models.DateTimeField(auto_now=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("admin relationship request")
        verbose_name_plural = _("admin relationship requests")
        constraints = [
            # One answer per relationship: two Global admins clicking at once give one approve request.
            models.UniqueConstraint(
                fields=["relationship"], condition=Q(action__in=["approve", "reject"], status__in=["pending",
                                                                                                   "succeeded"]),
                name="gdap_request_one_answer",
            ),
            models.UniqueConstraint(
                fields=["relationship"], condition=Q(action="terminate", status__in=["pending", "succeeded"]),
                name="gdap_request_one_termination",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="gdap_request_status_idx")]

    def __str__(self) -> str:
        return f"{self.action} · {self.status}"


class GdapApproval(TokenLink):
    """The approval link for the customer's Global admin (links.kinds "gdap_approval", valid
    settings.GDAP_APPROVAL_DAYS). Issued by the partner when the relationship is locked for approval."""

    kind = "gdap_approval"
    issuer_field = "partner"

    id = models.BigAutoField(primary_key=True)
    partner = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="gdap_approvals")
    relationship = models.ForeignKey(AdminRelationship, on_delete=models.CASCADE, related_name="approvals")

    class Meta:
        verbose_name = _("admin relationship approval link")
        verbose_name_plural = _("admin relationship approval links")
        constraints = [
            models.UniqueConstraint(fields=["relationship"], condition=Q(status="pending"),
                                    name="gdap_approval_one_pending"),
        ]

    def activity_extra(self) -> dict:
        return {"relationship_id": str(self.relationship_id)}
