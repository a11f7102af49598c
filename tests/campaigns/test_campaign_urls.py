"""The campaign is part of the URL (campaigns/context.py): every pattern that takes `<code>` is a
campaign's page, found by introspection; each answers 404 for a code no campaign has, each bare
address without the code redirects to the current campaign's page, and pages about campaign B
show B's records, not those of the campaign that happens to be active."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from campaigns.context import CODE, current_campaign
from campaigns.models import Campaign, CampaignStatus
from campaigns.oversight.models import BudgetLine, Feedback, Inspection, NewsItem
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

#: What each converter of a pattern is given when a test fills the pattern's other arguments.
SAMPLE = {"int": "1", "slug": "x", "str": "x", "uuid": str(uuid.uuid4()), "path": "x"}
PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def _patterns(resolver=None, route="", ns=""):
    """(full route, URL name or "", callback) of every pattern of the project."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner_ns = f"{ns}{pattern.namespace}:" if pattern.namespace else ns
            yield from _patterns(pattern, route + str(pattern.pattern), inner_ns)
        elif isinstance(pattern, URLPattern):
            name = ns + pattern.name if pattern.name else ""
            yield route + str(pattern.pattern), name, pattern.callback


def _fill(route: str, code: str | None = None) -> str:
    def value(match):
        if match["name"] == CODE and code is not None:
            return code
        return SAMPLE[match["conv"] or "str"]

    return "/" + PARAM.sub(value, route)


CAMPAIGN_PAGES = sorted(
    (name, route) for route, name, _ in _patterns() if f"<slug:{CODE}>" in route and name
)
BARE = sorted(
    (route, callback.campaign_target)
    for route, _, callback in _patterns()
    if hasattr(callback, "campaign_target")
)


@pytest.mark.parametrize(
    ("old", "page"),
    [
        ("/xep-hang/", "/xep-hang/"),
        ("/xep-hang/bang-tieu-chi/", "/xep-hang/bang-tieu-chi/"),
        ("/phong-trao/dang-ky/", "/dang-ky/"),
        ("/phong-trao/tham-dinh/", "/tham-dinh/"),
        ("/phong-trao/ket-qua/ntm/", "/ket-qua/ntm/"),
        ("/phong-trao/giam-sat/kho-khan/", "/giam-sat/kho-khan/"),
        ("/khen-thuong/de-nghi/", "/khen-thuong/de-nghi/"),
        ("/khen-thuong/quyet-dinh/", "/khen-thuong/quyet-dinh/"),
        ("/bao-cao/", "/bao-cao/"),
        ("/bao-cao/yeu-cau/", "/bao-cao/yeu-cau/"),
    ],
)
def test_the_old_addresses_people_bookmarked_open_the_current_campaigns_page(
    old, page, world, client_as
):
    response = client_as("secretariat").get(old + "?year=2024")
    assert response.status_code == 302
    assert response["Location"] == f"/phong-trao/{world.campaign.code}{page}?year=2024"


def test_the_campaign_pages_and_their_bare_addresses_are_found():
    names = {name for name, _ in CAMPAIGN_PAGES}
    assert {"rankings:ranking", "campaigns:review-queue", "campaigns:ntm-list"} <= names
    assert {"campaigns:oversight:budget-list", "campaigns:campaign-detail"} <= names
    # Every bare address points at a campaign's page.
    assert {target for _, target in BARE} <= names
    assert len(BARE) >= 29


@pytest.mark.parametrize(("name", "route"), CAMPAIGN_PAGES, ids=[n for n, _ in CAMPAIGN_PAGES])
def test_an_unknown_campaign_code_is_not_found(name, route, world, client_as):
    client = client_as("secretariat")
    url = _fill(route, code="khong-co-phong-trao-nay")
    response = client.get(url)
    if response.status_code == 405:  # a POST-only action
        response = client.post(url)
    assert response.status_code == 404, f"{name} {url}: {response.status_code}"


@pytest.mark.parametrize(("route", "target"), BARE, ids=[r for r, _ in BARE])
def test_a_bare_address_redirects_to_the_current_campaigns_page_keeping_the_query(
    route, target, world, client_as
):
    other = CampaignFactory(code="cu-2016-2020", start_year=2016, end_year=2020)
    Campaign.objects.filter(pk=other.pk).update(status=CampaignStatus.CLOSED)
    client = client_as("secretariat")
    url = _fill(route)
    response = client.get(url + "?year=2024&q=Phổ")
    assert response.status_code == 302, f"{url}: {response.status_code}"
    kwargs = {m["name"]: SAMPLE[m["conv"] or "str"] for m in PARAM.finditer(route)}
    page = reverse(target, kwargs={**kwargs, CODE: world.campaign.code})
    assert response["Location"] == page + "?year=2024&q=Ph%E1%BB%95"
    # A link made before the code moved into the URL (`?campaign=<code>`) keeps its campaign.
    response = client.get(url + f"?campaign={other.code}&year=2018")
    assert response["Location"] == reverse(target, kwargs={**kwargs, CODE: other.code}) + (
        "?year=2018"
    )


def test_the_current_campaign_is_the_active_one_else_the_most_recent(world):
    assert current_campaign() == world.campaign
    newer = CampaignFactory(code="moi-2026-2030", start_year=2026, end_year=2030)
    Campaign.objects.filter(pk=newer.pk).update(status=CampaignStatus.DRAFT)
    assert current_campaign() == world.campaign  # the active one, though an older one
    Campaign.objects.filter(pk=world.campaign.pk).update(status=CampaignStatus.CLOSED)
    assert current_campaign() == newer  # none active: the most recent


def test_the_pages_about_campaign_b_show_campaign_bs_records(world, users, client_as):
    """Two campaigns: A (the active one) and B. Every oversight list of B shows B's records and
    none of A's; the menu on B's pages opens B's pages."""
    a = world.campaign
    b = CampaignFactory(code="b-2026-2030", start_year=2026, end_year=2030)
    secretariat = users["secretariat"]
    for campaign, word in ((a, "Alpha"), (b, "Beta")):
        Inspection.objects.create(
            campaign=campaign,
            year=campaign.start_year,
            title=f"Đợt kiểm tra {word}",
            kind=Inspection._meta.get_field("kind").choices[0][0],
            start_date=f"{campaign.start_year}-03-01",
            end_date=f"{campaign.start_year}-03-02",
        )
        NewsItem.objects.create(
            campaign=campaign, title=f"Tin {word}", body="…", created_by=secretariat
        )
        BudgetLine.objects.create(
            campaign=campaign,
            year=campaign.start_year,
            kind=BudgetLine._meta.get_field("kind").choices[0][0],
            description=f"Kinh phí {word}",
            amount_vnd=1_000_000,
            proposing_unit="Xã Phổ Thử A",
        )
        Feedback.objects.create(
            campaign=campaign,
            unit=world.commune_a,
            year=campaign.start_year,
            kind=Feedback._meta.get_field("kind").choices[0][0],
            subject=f"Khó khăn {word}",
            body="…",
            sent_by=users["officer_a"],
        )
    client = client_as("secretariat")
    for name in ("inspection-list", "news-list", "budget-list", "feedback-list"):
        page = client.get(reverse(f"campaigns:oversight:{name}", args=[b.code]))
        html = page.content.decode()
        assert page.status_code == 200, name
        assert "Beta" in html, name
        assert "Alpha" not in html, name
        # The menu of B's page opens B's pages.
        assert f'href="/phong-trao/{b.code}/giam-sat/kho-khan/"' in html, name
    # The same pages of A show A's.
    html = client.get(reverse("campaigns:oversight:news-list", args=[a.code])).content.decode()
    assert "Tin Alpha" in html
    assert "Tin Beta" not in html
    # A page of campaign B offers B's years, whatever the current campaign is.
    html = client.get(reverse("rankings:ranking", args=[b.code])).content.decode()
    assert '<option value="2028"' in html
    assert '<option value="2022"' not in html
