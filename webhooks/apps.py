"""Webhooks: partners' registrations, events from the event core delivered with Standard Webhooks
signatures, retried by Celery, logged, redelivered (issue 12, section 4)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from webhooks import events  # noqa: F401  (registers this app's activity kinds)
        from webhooks.outbox import subscribers_register

        subscribers_register()
