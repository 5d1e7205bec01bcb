from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensesConfig(AppConfig):
    name = "licenses"
    verbose_name = _("Licenses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from licenses import events  # noqa: F401  (registers this app's activity kinds)
