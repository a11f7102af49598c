from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Hệ thống"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (ends sessions of deactivated users)
