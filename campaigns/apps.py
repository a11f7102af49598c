from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Phong trào thi đua"

    def ready(self) -> None:
        from portal.navigation import MenuEntry, Panel, register_menu, register_panel

        register_menu(
            MenuEntry("Phong trào", "campaigns:campaign-list", "campaign.view", "bi-flag", 10),
        )
        # Results: NTM status, contributions, importers, reminders (campaigns/results).
        from .results import importers, tasks  # noqa: F401 (registers importers and tasks)

        register_menu(
            MenuEntry("Tiêu chí NTM", "campaigns:ntm-list", "ntm.view", "bi-grid-3x3", 30),
            MenuEntry(
                "Đóng góp", "campaigns:contribution-list", "contribution.view", "bi-cash-coin", 32
            ),
        )
        register_panel(
            Panel(
                page="unit",
                label="Tiêu chí nông thôn mới",
                url_name="campaigns:ntm-panel",
                capability="ntm.view",
                kinds=frozenset({"commune"}),
                order=20,
            )
        )
