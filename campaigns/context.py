"""Which campaign a page is about: its code is part of the URL (`/phong-trao/<code>/…`).

One decorator, `campaign_view`, reads the code once, sets `request.campaign` (404 for a code no
campaign has) and `request.year` (the `?year=` asked for when it is one of the campaign's years,
else `default_year`). Pages about one record (an assessment, a visit) keep their key in the URL
and show the record's own campaign.

The same page's old address without the code (`/xep-hang/`, `/phong-trao/dang-ky/`) redirects to
the current campaign's page, keeping the query string; `campaign_urls` makes both patterns from
one list, so no page is reachable one way and not the other. See docs/architecture.md, "Which
campaign a page is about".
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps
from typing import Any, cast

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db.models import Case, IntegerField, Value, When
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from portal.audit import appended
from portal.figures_cache import data_version
from portal.web import AuthedRequest

from .models import Campaign, CampaignStatus


class CampaignRequest(AuthedRequest):
    """The request of a `campaign_view`: what the decorator set on it."""

    campaign: Campaign
    year: int
    year_asked: bool


#: The URL keyword that carries the campaign's code.
CODE = "code"


def _campaigns():
    return Campaign.objects.select_related("ntm_criterion_set")


#: What one request has already read (the current campaign): set when a request starts, dropped
#: when it ends and on every write (an audit event), so a page never sees a value older than its
#: own writes. Outside a request (a task, the shell, a test calling a function) nothing is kept.
_request_memo: ContextVar[dict[str, Any] | None] = ContextVar("campaign_request_memo", default=None)


@receiver(request_started, dispatch_uid="campaigns-memo-start")
def _memo_start(**kwargs: Any) -> None:
    _request_memo.set({})


@receiver(request_finished, dispatch_uid="campaigns-memo-end")
def _memo_end(**kwargs: Any) -> None:
    _request_memo.set(None)


@receiver(appended, dispatch_uid="campaigns-memo-on-write")
def _memo_forget(**kwargs: Any) -> None:
    memo = _request_memo.get()
    if memo:
        memo.clear()


def _read_current_campaign() -> Campaign | None:
    # One query: active campaigns first, then the latest to start.
    active_first = Case(
        When(status=CampaignStatus.ACTIVE, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        _campaigns().alias(inactive=active_first).order_by("inactive", "-start_year", "code")
    ).first()


def current_campaign() -> Campaign | None:
    """The campaign a page shows when none is named: the active one (the latest to start), else
    the most recent. The one definition; the bare addresses, the menu and the desk use it.

    Read once per request (the menu, the desk and the page all ask): each caller gets its own
    copy, so a form bound to it cannot change what the next caller sees."""
    memo = _request_memo.get()
    if memo is not None and "current" in memo:
        campaign = memo["current"]
    else:
        campaign = _read_current_campaign()
        if memo is not None:
            memo["current"] = campaign
    return copy.copy(campaign) if campaign is not None else None


def current_campaign_code() -> str | None:
    """The current campaign's code, for the menu of every page: cached until the next write of
    business data (portal.figures_cache.data_version), so a page costs no query for it."""
    key = f"current-campaign:{data_version()}"
    code = cache.get(key)
    if code is None:
        campaign = current_campaign()
        code = campaign.code if campaign else ""
        cache.set(key, code, 3600)
    return code or None


def campaign_by_code(code: str) -> Campaign:
    """The campaign with this code, else 404."""
    campaign = _campaigns().filter(code=code).first()
    if campaign is None:
        raise Http404("Không có phong trào này.")
    _remember(campaign)
    return campaign


def _remember(campaign: Campaign) -> None:
    memo = _request_memo.get()
    if memo is not None:
        memo.setdefault("by_id", {})[campaign.pk] = copy.copy(campaign)


def campaign_by_id(pk: int) -> Campaign:
    """The campaign with this id (a kept figure's argument: portal.figures_cache.figure). The
    page's own campaign — named by its address, or the current one — costs no second query."""
    memo = _request_memo.get()
    if memo is not None:
        current = memo.get("current")
        found = current if current is not None and current.pk == pk else None
        found = found or memo.get("by_id", {}).get(pk)
        if found is not None:
            return copy.copy(found)
    campaign = Campaign.objects.get(pk=pk)
    _remember(campaign)
    return campaign


def default_year(campaign: Campaign | None, today: datetime.date | None = None) -> int:
    """The year a campaign's page shows when none is asked for: this year, kept inside the
    campaign's years."""
    year = (today or timezone.localdate()).year
    if campaign is None:
        return year
    return min(max(year, campaign.start_year), campaign.end_year)


def year_in(campaign: Campaign | None, raw) -> int | None:
    """`raw` as one of the campaign's years, else None (not a number, or outside them)."""
    try:
        year = int(str(raw or "").strip())
    except ValueError:
        return None
    if campaign is None:
        return year if 1990 <= year <= 2100 else None
    return year if campaign.start_year <= year <= campaign.end_year else None


def campaign_view(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """A page under `/phong-trao/<code>/`: sets `request.campaign` (404 for an unknown code),
    `request.year` (the asked year if it is one of the campaign's, else `default_year`) and
    `request.year_asked` (whether `?year=` named one). The view does not receive `code`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        campaign = campaign_by_code(kwargs.pop(CODE))
        asked = year_in(campaign, request.GET.get("year"))
        scoped = cast(CampaignRequest, request)
        scoped.campaign = campaign
        scoped.year = asked or default_year(campaign)
        scoped.year_asked = asked is not None
        return view(scoped, *args, **kwargs)

    wrapper.campaign_scoped = True  # type: ignore[attr-defined]
    return wrapper


def campaign_url(name: str, campaign: Campaign, *args, **kwargs) -> str:
    """The URL of a campaign's page (`name` as in `{% url %}`)."""
    if args:
        return reverse(name, args=[campaign.code, *args])
    return reverse(name, kwargs={CODE: campaign.code, **kwargs})


def to_current_campaign(name: str) -> Callable[..., HttpResponse]:
    """The view of a bare address: 302 to the same page of the current campaign (or of the one
    `?campaign=<code>` names, as links made before the code moved into the URL do), with the
    rest of the query string kept."""

    def bare_view(request: HttpRequest, **kwargs) -> HttpResponse:
        query = request.GET.copy()
        named = query.get("campaign", "")
        campaign = _campaigns().filter(code=named).first() if named else None
        if campaign is not None:
            query.pop("campaign")
        campaign = campaign or current_campaign()
        if campaign is None:
            raise Http404("Chưa có phong trào nào.")
        url = reverse(name, kwargs={CODE: campaign.code, **kwargs})
        return HttpResponseRedirect(f"{url}?{query.urlencode()}" if query else url)

    bare_view.campaign_target = name  # type: ignore[attr-defined]
    return bare_view


def campaign_urls(
    patterns: list[URLPattern], *, namespace: str, section: str = "", prefix: str = ""
) -> list[URLPattern]:
    """The campaign's pages: each pattern of `patterns` (routes relative to `section`) at
    `prefix + "<slug:code>/" + section + route` (`prefix` is "phong-trao/" for an app included
    at the site's root), and, unnamed, its bare address `section + route` (the address it had
    before the code was in the URL) redirecting there (`to_current_campaign`). Bare addresses
    come first so that `<slug:code>/` never reads a bare address's first word as a code."""
    bare, scoped = [], []
    for pattern in patterns:
        assert getattr(pattern.callback, "campaign_scoped", False), (
            f"{pattern.name}: a campaign's page is a @campaign_view"
        )
        route = str(pattern.pattern)
        name = f"{namespace}:{pattern.name}"
        bare.append(path(f"{section}{route}", to_current_campaign(name)))
        scoped.append(
            path(f"{prefix}<slug:{CODE}>/{section}{route}", pattern.callback, name=pattern.name)
        )
    return bare + scoped
