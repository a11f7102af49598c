from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Hệ thống"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (ends sessions of deactivated users)
        from .navigation import MenuEntry, register_menu

        register_menu(MenuEntry("Người dùng", "user-list", "user.manage", "bi-people", 95))
