from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Supporting customers")
    default_auto_field = "django.db.models.BigAutoField"
