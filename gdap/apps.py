from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GdapConfig(AppConfig):
    name = "gdap"
    verbose_name = _("Granular admin relationships (GDAP)")

    def ready(self) -> None:
        from gdap import events  # noqa: F401  (registers this app's activity kinds)
        from gdap.notifications import subscribers_register

        subscribers_register()
