from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomerusersConfig(AppConfig):
    name = "customerusers"
    verbose_name = _("Customer users")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from customerusers import events  # noqa: F401  (registers this app's activity kinds)
