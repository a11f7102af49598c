from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Phong trào thi đua"

    def ready(self) -> None:
        from portal.navigation import (
            MenuEntry,
            Panel,
            register_current_campaign,
            register_menu,
            register_panel,
        )

        from .context import current_campaign_code

        register_current_campaign(current_campaign_code)

        register_menu(
            MenuEntry("Phong trào", "campaigns:campaign-list", "campaign.view", "bi-flag", 10),
            # The yearly cycle (campaigns/cycle).
            MenuEntry(
                "Đăng ký thi đua",
                "campaigns:registration-list",
                "registration.submit",
                "bi-pencil-square",
                20,
            ),
            MenuEntry(
                "Tự đánh giá",
                "campaigns:assessment-list",
                "assessment.edit",
                "bi-clipboard-check",
                21,
            ),
            MenuEntry("Thẩm định", "campaigns:review-queue", "assessment.review", "bi-search", 22),
            # Rankings (campaigns/rankings).
            MenuEntry("Xếp hạng", "rankings:ranking", "ranking.view", "bi-trophy", 40),
            MenuEntry("Tiêu chí NTM các xã", "rankings:heatmap", "ranking.view", "bi-grid-3x3", 41),
        )
        register_panel(
            Panel(
                "unit",
                "Kết quả tự đánh giá",
                "campaigns:unit-assessments-panel",
                "assessment.view",
                None,
                30,
            ),
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
        # Results: NTM status, contributions, importers, reminders (campaigns/results).
        from . import desk
        from .cycle import risk  # noqa: F401 (connects the risk signals' receivers)
        from .results import importers, tasks  # noqa: F401 (registers importers and tasks)

        desk.register()

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
        from .oversight.registry import ready as oversight_ready
        from .rankings import exports  # noqa: F401  (registers commune_results)

        oversight_ready()
