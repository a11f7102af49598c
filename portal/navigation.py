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


@dataclass(frozen=True)
class Panel:
    """A section another app adds to a page of a lower layer (e.g. the NTM grid on a commune's
    page). The page loads it with htmx from `url_name` (which takes the object's pk), so the
    lower app never imports the higher one."""

    page: str  # "unit", "person" or "cluster"
    label: str
    url_name: str
    capability: str
    kinds: frozenset[str] | None = None  # unit kinds it applies to; None = all
    order: int = 100


_PANELS: list[Panel] = []


def register_panel(*panels: Panel) -> None:
    for panel in panels:
        if panel not in _PANELS:
            _PANELS.append(panel)


def panels_for(page: str, user, obj, kind: str | None = None) -> list[dict]:
    """The panels of `page` this user may see, with their URLs for `obj`."""
    items = []
    for panel in sorted(_PANELS, key=lambda p: (p.order, p.label)):
        if panel.page != page or not has_capability(user, panel.capability):
            continue
        if panel.kinds is not None and kind not in panel.kinds:
            continue
        try:
            url = reverse(panel.url_name, args=[obj.pk])
        except NoReverseMatch:
            continue
        items.append({"label": panel.label, "url": url, "name": panel.url_name})
    return items
