from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResellersConfig(AppConfig):
    name = "resellers"
    verbose_name = _("Indirect resellers")

    def ready(self) -> None:
        from resellers import events  # noqa: F401  (registers this app's activity kinds)
