from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Partner users")

    def ready(self) -> None:
        from members import events  # noqa: F401  (registers this app's activity kinds)
