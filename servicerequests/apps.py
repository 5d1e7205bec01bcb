from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicerequestsConfig(AppConfig):
    name = "servicerequests"
    verbose_name = _("Service requests")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from servicerequests import events  # noqa: F401  (registers this app's activity kinds)
