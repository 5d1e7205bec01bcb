from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "offers"
    verbose_name = _("Advisor offers")

    def ready(self) -> None:
        from offers import events  # noqa: F401  (registers this app's activity kinds)
