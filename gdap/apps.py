from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GdapConfig(AppConfig):
    name = "gdap"
    verbose_name = _("Granular admin relationships (GDAP)")

    def ready(self) -> None:
        # Registers this app's activity kinds and its background job kinds.
        from gdap import events, jobs  # noqa: F401
