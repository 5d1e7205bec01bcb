from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Indirect providers directory")

    def ready(self) -> None:
        from directory import events  # noqa: F401  (registers this app's activity kinds)
