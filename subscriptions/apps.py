from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    """Offer catalog, orders and subscriptions; its flows arrive with issue #3."""

    name = "subscriptions"
    verbose_name = _("Subscriptions")
