from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Hệ thống"

    def ready(self) -> None:
        from . import (
            audit,  # noqa: F401  (one audit event per historical record)
            checks,  # noqa: F401  (check --deploy: the audit chain key)
            figures_cache,  # noqa: F401  (every audited write bumps the data version)
            signals,  # noqa: F401  (ends sessions of deactivated users)
        )
        from .navigation import MenuEntry, register_menu

        register_menu(
            MenuEntry("Nhật ký thay đổi", "audit-list", "audit.view", "bi-journal-text", 90),
            MenuEntry("Nhật ký đơn vị", "audit-list", "audit.view_own", "bi-journal-text", 90),
            MenuEntry("Người dùng", "user-list", "user.manage", "bi-people", 95),
        )
