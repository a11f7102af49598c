from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = "Khen thưởng"

    def ready(self) -> None:
        from portal.navigation import MenuEntry, Panel, register_menu, register_panel

        from . import desk
        from .history import importers  # noqa: F401  (registers the `awards` import kind)

        desk.register()

        register_menu(
            MenuEntry(
                "Đề nghị khen thưởng", "awards:nomination-list", "nomination.view", "bi-award", 40
            ),
            MenuEntry("Hội đồng TĐ-KT", "awards:session-list", "council.view", "bi-people", 42),
            MenuEntry(
                "Quyết định", "awards:decision-list", "decision.view", "bi-file-earmark-text", 44
            ),
            MenuEntry("Lịch sử khen thưởng", "awards:award-list", "award.view", "bi-trophy", 46),
        )
        register_panel(
            Panel("unit", "Khen thưởng", "awards:unit-awards-panel", "award.view", None, 60),
            Panel("person", "Khen thưởng", "awards:person-awards-panel", "award.view", None, 60),
        )
