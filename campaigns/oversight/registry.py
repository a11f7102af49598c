"""Menu entries and unit-page panels of oversight (called from CampaignsConfig.ready)."""

from __future__ import annotations


def ready() -> None:
    from portal.navigation import MenuEntry, Panel, register_menu, register_panel

    register_menu(
        MenuEntry(
            "Kiểm tra, giám sát",
            "campaigns:oversight:inspection-list",
            "inspection.view",
            "bi-clipboard-check",
            60,
        ),
        MenuEntry(
            "Khó khăn, đề xuất",
            "campaigns:oversight:feedback-list",
            "feedback.view",
            "bi-chat-left-text",
            61,
        ),
        MenuEntry(
            "Giúp đỡ theo địa chỉ",
            "campaigns:oversight:sponsorship-list",
            "sponsorship.view",
            "bi-people",
            62,
        ),
        MenuEntry("Kinh phí", "campaigns:oversight:budget-list", "budget.view", "bi-cash-coin", 63),
        MenuEntry("Tin tức", "campaigns:oversight:news-list", "news.publish", "bi-newspaper", 64),
        MenuEntry(
            "Công bố số liệu",
            "campaigns:oversight:release-list",
            "figures.release",
            "bi-megaphone",
            65,
        ),
    )
    register_panel(
        Panel(
            page="unit",
            label="Giúp đỡ theo địa chỉ",
            url_name="campaigns:oversight:unit-sponsorship-panel",
            capability="sponsorship.view",
            kinds=frozenset({"department", "commune", "ward"}),
            order=60,
        ),
        Panel(
            page="unit",
            label="Khó khăn, đề xuất và kiến nghị kiểm tra",
            url_name="campaigns:oversight:unit-oversight-panel",
            capability="feedback.view",
            order=61,
        ),
    )
