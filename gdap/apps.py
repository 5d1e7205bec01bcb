from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GdapConfig(AppConfig):
    name = "gdap"
    verbose_name = _("Granular admin relationships (GDAP)")

    def ready(self) -> None:
        # Registers this app's activity kinds, its background job kinds and its mail subscribers.
        from gdap import events, jobs  # noqa: F401
        from gdap.notifications import subscribers_register

        subscribers_register()
