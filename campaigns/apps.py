from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Phong trào thi đua"

    def ready(self) -> None:
        from portal.navigation import MenuEntry, Panel, register_menu, register_panel

        register_menu(
            MenuEntry("Phong trào", "campaigns:campaign-list", "campaign.view", "bi-flag", 10),
            MenuEntry("Xếp hạng", "rankings:ranking", "ranking.view", "bi-trophy", 40),
            MenuEntry("Tiêu chí NTM các xã", "rankings:heatmap", "ranking.view", "bi-grid-3x3", 41),
        )
        register_panel(
            Panel(
                "unit",
                "Kết quả và xếp hạng qua các năm",
                "rankings:commune-panel",
                "ranking.view",
                frozenset({"commune"}),
                20,
            ),
            Panel(
                "cluster",
                "Xếp hạng qua các năm",
                "rankings:cluster-panel",
                "ranking.view",
                None,
                20,
            ),
        )
        from .rankings import exporters  # noqa: F401  (registers commune_results)
