"""Activity kinds of the webhooks app: registrations added, changed, rotated, disabled, enabled, deleted."""

from django.utils.translation import gettext_lazy as _

from partnercenter.events import EventKind, EventKinds


class WebhookEvents(EventKinds):
    CREATED = EventKind("webhook.created", _("Webhook added"), _("Webhook to %(url)s added."))
    UPDATED = EventKind("webhook.updated", _("Webhook changed"), _("Webhook to %(url)s changed (%(fields)s)."))
    SECRET_ROTATED = EventKind("webhook.secret_rotated", _("Webhook secret rotated"),
                               _("The signing secret of the webhook to %(url)s was rotated."))
    DISABLED = EventKind("webhook.disabled", _("Webhook disabled"), _("Webhook to %(url)s disabled."))
    AUTO_DISABLED = EventKind("webhook.auto_disabled", _("Webhook disabled after failures"),
                              _("Webhook to %(url)s disabled: its deliveries failed since %(since)s."))
    ENABLED = EventKind("webhook.enabled", _("Webhook enabled"), _("Webhook to %(url)s enabled."))
    DELETED = EventKind("webhook.deleted", _("Webhook deleted"), _("Webhook to %(url)s deleted."))
    TEST_SENT = EventKind("webhook.test_sent", _("Webhook test event sent"),
                          _("A test event was queued for the webhook to %(url)s."))
    REDELIVERED = EventKind("webhook.redelivered", _("Webhook event redelivered"),
                            _("Event %(event)s is delivered again to %(url)s."))
