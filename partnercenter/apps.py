from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerCenterConfig(AppConfig):
    name = "partnercenter"
    verbose_name = _("Tenancy")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from partnercenter import (
            checks,  # noqa: F401  (registers the deployment checks)
            events,  # noqa: F401  (registers the core activity kinds)
        )
        from partnercenter.textmatch import lookups_register, on_connection_created

        # Case-insensitive search is Unicode case-insensitive on SQLite too (textmatch.py).
        lookups_register()
        connection_created.connect(on_connection_created, dispatch_uid="partnercenter.textmatch")
