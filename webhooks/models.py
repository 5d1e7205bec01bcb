"""Webhook registrations of a partner, the durable outbox of their events, and the delivery attempts."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnercenter.secretbox import EncryptedTextField


class RegistrationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DISABLED = "disabled", _("Disabled")


class DisabledReason(models.TextChoices):
    BY_USER = "by_user", _("Disabled by a user")
    FAILING = "failing", _("Disabled after a day of failed deliveries")


class Registration(models.Model):
    """Where a partner wants its events POSTed, which events, and the Standard Webhooks secret(s).

    The secret is kept encrypted (HMAC needs the key itself to sign, so it cannot be hashed:
    partnercenter.secretbox); it is shown once. During a rotation
    the previous secret signs too until `previous_secret_expires_at`. A registration made through the API
    belongs to that API app (one per app); one made on the page has none."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey("partnercenter.Tenant", on_delete=models.CASCADE, related_name="webhook_registrations")
    api_app = models.OneToOneField("api.ApiApp", on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="webhook_registration")
    url = models.URLField(_("URL"), max_length=2000)
    events = models.JSONField(_("events"), default=list)
    secret = EncryptedTextField()
    previous_secret = EncryptedTextField(blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.ACTIVE)
    disabled_reason = models.CharField(max_length=16, choices=DisabledReason.choices, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_ok = models.BooleanField(null=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["partner", "status"], name="webhook_reg_partner_idx")]

    def __str__(self) -> str:
        return self.url

    @property
    def is_active(self) -> bool:
        return self.status == RegistrationStatus.ACTIVE

    def signing_secrets(self, now: datetime | None = None) -> list[str]:
        """The current secret, and the previous one while its overlap lasts."""
        now = now or timezone.now()
        secrets = [self.secret]
        if self.previous_secret and self.previous_secret_expires_at and self.previous_secret_expires_at > now:
            secrets.append(self.previous_secret)
        return secrets


class EventStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    FAILED = "failed", _("Failed, will retry")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Given up")


OPEN_STATUSES = (EventStatus.PENDING, EventStatus.FAILED)


class Event(models.Model):
    """One event for one registration: written in the transaction of the change, delivered after commit.

    `uuid` makes the `webhook-id` header (msg_<hex>) receivers de-duplicate by and the API's
    correlationId; `resource_key` orders deliveries per resource (an event waits while an earlier one of
    the same key and registration is still open); `deadline_at` is when retrying stops."""

    id = models.BigAutoField(primary_key=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="webhook_events")
    name = models.CharField(max_length=80)
    payload = models.JSONField()
    resource_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=EventStatus.choices, default=EventStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    deadline_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["registration", "resource_key", "id"], name="webhook_event_order_idx"),
            models.Index(fields=["next_attempt_at"], name="webhook_event_due_idx",
                         condition=models.Q(status__in=["pending", "failed"])),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.webhook_id}"

    @property
    def webhook_id(self) -> str:
        return f"msg_{self.uuid.hex}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class DeliveryAttempt(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.CharField(max_length=1024, blank=True)
    error = models.CharField(max_length=500, blank=True)
    ok = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.event_id} #{self.number}"
