from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API access")

    def ready(self) -> None:
        from api import events  # noqa: F401  (registers this app's activity kinds)
