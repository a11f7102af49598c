"""The site menu. Each app registers its entries in its AppConfig.ready(); the menu shows an
entry only when the user holds its capability."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from .access import has_capability


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    capability: str
    icon: str = ""
    order: int = 100


_MENU: list[MenuEntry] = []


def register_menu(*entries: MenuEntry) -> None:
    for entry in entries:
        if entry not in _MENU:
            _MENU.append(entry)


def menu_for(user) -> list[dict]:
    items = []
    for entry in sorted(_MENU, key=lambda e: (e.order, e.label)):
        if not has_capability(user, entry.capability):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": entry.label, "url": url, "icon": entry.icon, "name": entry.url_name})
    return items
