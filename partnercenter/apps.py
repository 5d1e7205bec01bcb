from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerCenterConfig(AppConfig):
    name = "partnercenter"
    verbose_name = _("Tenancy")

    def ready(self) -> None:
        from partnercenter import checks  # noqa: F401  (registers the deployment checks)
