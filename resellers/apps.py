from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResellersConfig(AppConfig):
    """The two-tier channel (indirect providers and resellers); its flows arrive with issue #4."""

    name = "resellers"
    verbose_name = _("Indirect resellers")
