"""The site menu. Each app registers its entries in its AppConfig.ready(); the menu shows an
entry only when the user holds its capability."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, reverse

from .access import has_capability
from .desk import counts_by_group

if TYPE_CHECKING:
    from .access import AnyUser


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    capability: str
    icon: str = ""
    order: int = 100


_MENU: list[MenuEntry] = []

#: The code of the campaign the menu's campaign pages open when the page is about none
#: (campaigns.context.current_campaign, registered by the campaigns app: portal never looks up).
_current_campaign_code: list[Callable[[], str | None]] = [lambda: None]


def register_current_campaign(code_of_current: Callable[[], str | None]) -> None:
    _current_campaign_code[0] = code_of_current


def entry_url(url_name: str, campaign_code: str | Callable[[], str | None] | None = None) -> str:
    """An entry's URL: a page of its own, or (its pattern takes the campaign's `code`) the page of
    `campaign_code`, else of the current campaign. NoReverseMatch when neither fits."""
    try:
        return reverse(url_name)
    except NoReverseMatch:
        code = campaign_code() if callable(campaign_code) else campaign_code
        code = code or (None if callable(campaign_code) else _current_campaign_code[0]())
        if not code:
            raise
        return reverse(url_name, kwargs={"code": code})


def register_menu(*entries: MenuEntry) -> None:
    for entry in entries:
        if entry not in _MENU:
            _MENU.append(entry)


# The menu's groups, in one place: (group label, URL-name prefixes). An entry whose URL name
# matches no prefix stands alone in the bar.
MENU_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    (
        "Thi đua hằng năm",
        (
            "campaigns:campaign-",
            "campaigns:registration-",
            "campaigns:assessment-",
            "campaigns:review-",
            "campaigns:extension-",
            "campaigns:criteria-",
        ),
    ),
    (
        "Kết quả, xếp hạng",
        (
            "rankings:",
            "campaigns:ntm-",
            "campaigns:contribution-",
            "campaigns:completeness",
        ),
    ),
    ("Kiểm tra, giám sát", ("campaigns:oversight:",)),
    ("Khen thưởng", ("awards:",)),
    ("Báo cáo", ("reports:",)),
    ("Danh mục", ("units:", "import-", "user-", "audit")),
]


def _group_of(url_name: str) -> str:
    for label, prefixes in MENU_GROUPS:
        if url_name.startswith(prefixes):
            return label
    return ""


def menu_for(user: AnyUser, campaign_code: str | None = None) -> list[dict[str, Any]]:
    """The user's menu: a list of groups, each {label, items}; a group with one item is shown as
    a plain link. A campaign's pages open for `campaign_code` (the page's campaign), else for
    the current campaign."""
    groups: dict[str, dict[str, Any]] = {}
    found: list[str | None] = [campaign_code] if campaign_code else []

    def code_once() -> (
        str | None
    ):  # the current campaign is looked up once, and only when an entry needs it
        if not found:
            found.append(_current_campaign_code[0]())
        return found[0]

    for entry in sorted(_MENU, key=lambda e: (e.order, e.label)):
        if not has_capability(user, entry.capability):
            continue
        try:
            url = entry_url(entry.url_name, code_once)
        except NoReverseMatch:
            continue
        icon = entry.icon if not entry.icon or entry.icon.startswith("bi-") else f"bi-{entry.icon}"
        item: dict[str, Any] = {
            "label": entry.label,
            "url": url,
            "icon": icon,
            "name": entry.url_name,
        }
        group = _group_of(entry.url_name) or entry.label
        groups.setdefault(group, {"label": group, "items": []})["items"].append(item)
    # What waits in each group (portal.desk), shown beside the group's name.
    waiting = counts_by_group(user)
    for label, entries in groups.items():
        entries["count"] = waiting.get(label, 0)
    return list(groups.values())


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


def panels_for(page: str, user: AnyUser, obj: Any, kind: str | None = None) -> list[dict[str, Any]]:
    """The panels of `page` this user may see, with their URLs for `obj`."""
    items: list[dict[str, Any]] = []
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


# The documents a higher app prints for an object of a lower one (an award decision's PDF and
# certificates, a council session's minutes). The printing app registers its reader in its
# AppConfig.ready() (reports does); the object's view asks `documents_for` and passes the list in
# its context, so the lower app never imports the higher one and its template runs no query.
DocumentsReader = Callable[[Any, Sequence[str], int], list[dict[str, Any]]]
_DOCUMENTS: list[DocumentsReader] = []


def register_documents(reader: DocumentsReader) -> None:
    if reader not in _DOCUMENTS:
        _DOCUMENTS.append(reader)


def documents_for(user: AnyUser, kinds: Sequence[str], object_id: int) -> list[dict[str, Any]]:
    """For each kind of document printed for the object: what its page shows of it (the
    registered readers say what; none registered, nothing)."""
    return [doc for reader in _DOCUMENTS for doc in reader(user, kinds, object_id)]
