from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Phong trào thi đua"

    def ready(self) -> None:
        from portal.navigation import MenuEntry, register_menu

        register_menu(
            MenuEntry("Phong trào", "campaigns:campaign-list", "campaign.view", "bi-flag", 10),
        )
        from .oversight.registry import ready as oversight_ready

        oversight_ready()
