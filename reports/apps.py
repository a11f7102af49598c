from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo"

    def ready(self) -> None:
        from portal.navigation import MenuEntry, register_menu

        from . import integrated_sections, registry

        registry.load()
        integrated_sections.register()
        from . import desk

        desk.register()
        register_menu(
            MenuEntry(
                "Báo cáo", "reports:report-list", "report.view", icon="file-earmark-pdf", order=80
            ),
            MenuEntry("Chờ ký duyệt", "reports:signoff-queue", "report.sign", icon="pen", order=81),
            MenuEntry(
                "Sổ văn bản đi", "reports:register", "register.view", icon="journal-text", order=82
            ),
        )
