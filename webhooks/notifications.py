"""A registration whose deliveries failed for WEBHOOKS_DISABLE_AFTER_HOURS is disabled, and the partner's
Global admins get one mail each (outbox, in the recipient's language)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from partnercenter.events import event_record
from partnercenter.roles import Role
from partnercenter.selectors import tenant_users_with_roles
from partnercenter.services import outbox_email_create
from webhooks.events import WebhookEvents
from webhooks.models import DisabledReason, Registration, RegistrationStatus


def registration_auto_disable(registration: Registration) -> int:
    """Disable (the caller holds the row locked inside its transaction) and mail; the mails' number."""
    since = registration.failing_since or timezone.now()
    registration.status, registration.disabled_reason = RegistrationStatus.DISABLED, DisabledReason.FAILING
    registration.save(update_fields=["status", "disabled_reason", "updated_at"])
    event_record(tenant=registration.partner, kind=WebhookEvents.AUTO_DISABLED, actor=None,
                 data={"url": registration.url[:300], "registration_id": str(registration.pk),
                       "since": since.isoformat(timespec="minutes")})
    url = f"{settings.SITE_URL}{reverse('webhooks:registration', args=[registration.pk])}"
    written = 0
    for user in tenant_users_with_roles(tenant=registration.partner, roles=[Role.GLOBAL_ADMIN]).order_by("pk"):
        outbox_email_create(
            to_email=user.email, template="webhook_disabled", language=user.language or settings.LANGUAGE_CODE,
            tenant=registration.partner, dedupe_key=f"webhook-disabled:{registration.pk}:{since.timestamp():.0f}:{user.pk}",
            context={"registration": registration, "partner": registration.partner, "since": since, "url": url,
                     "hours": settings.WEBHOOKS_DISABLE_AFTER_HOURS},
        )
        written += 1
    return written
