"""Service requests (F13): a partner's request for one customer, its comments (both sides) and attachments.

Who opens one: the partner, on the customer's behalf (seed 001: "Serviceanfragen erstellen" is one of the
tasks of supporting a customer). The customer's Global admins see their organisation's requests in the
Admin center and take part in the thread (comments, attachments); they do not open requests themselves."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from partnercenter.models import Tenant, User
from partnercenter.tenancy import PartnerCustomerQuerySet, TenantQuerySet


class Severity(models.TextChoices):
    A = "A", _("A (critical)")
    B = "B", "B"
    C = "C", "C"


class Category(models.TextChoices):
    SIGN_IN = "sign_in", _("Sign-in and accounts")
    LICENSES = "licenses", _("Licenses and subscriptions")
    EMAIL = "email", _("Email")
    BILLING = "billing", _("Billing")
    SECURITY = "security", _("Security")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_FOR_CUSTOMER = "waiting_for_customer", _("Waiting for customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class Side(models.TextChoices):
    PARTNER = "partner", _("Partner")
    CUSTOMER = "customer", _("Customer")


TITLE_MAX = 200
TEXT_MAX = 10_000


class ServiceRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    # Per partner, from 1; shown as SR-000123 (the lock on the partner's tenant row hands them out in order).
    number = models.PositiveIntegerField()
    title = models.CharField(_("Title"), max_length=TITLE_MAX)
    description = models.TextField(_("Description"), max_length=TEXT_MAX)
    severity = models.CharField(_("Severity"), max_length=1, choices=Severity.choices, default=Severity.C)
    category = models.CharField(_("Category"), max_length=16, choices=Category.choices, default=Category.OTHER)
    status = models.CharField(_("Status"), max_length=24, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by_email = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic lock of status and assignee: a change names the version it was made on (Stale otherwise).
    version = models.PositiveIntegerField(default=1)

    objects = PartnerCustomerQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "number"], name="sr_partner_number_uniq"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="sr_number_positive"),
        ]
        indexes = [
            models.Index(fields=["partner", "status", "-number"], name="sr_partner_status_idx"),
            models.Index(fields=["customer", "-created_at"], name="sr_customer_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"SR-{self.number:06d}"


class CommentQuerySet(TenantQuerySet):
    partner_fields = ("request__partner",)
    customer_fields = ("request__customer",)


class Comment(models.Model):
    id = models.BigAutoField(primary_key=True)
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    author_email = models.CharField(max_length=254, blank=True)
    author_name = models.CharField(max_length=300, blank=True)
    side = models.CharField(max_length=8, choices=Side.choices)
    body = models.TextField(_("Comment"), max_length=TEXT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.request_id} #{self.pk}"


class Attachment(models.Model):
    """A file of a request (comment None: attached when the request was opened) or of a comment. `name` is
    the sanitised name people see; `storage_name` the generated one in default_storage."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    name = models.CharField(max_length=150)
    storage_name = models.CharField(max_length=300, unique=True)
    size = models.PositiveIntegerField()
    kind = models.CharField(max_length=8)  # the allowed type it was recognised as (servicerequests.files)
    side = models.CharField(max_length=8, choices=Side.choices)
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "name"]

    def __str__(self) -> str:
        return self.name
