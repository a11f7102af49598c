"""The ranking's cluster picker and its search by name work in a browser, on a phone (390 px)
and at a desk (1366 px), and axe finds no serious violation on the page they produce."""

from __future__ import annotations

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from campaigns.models import NtmLevel
from portal.roles import Role
from tests.campaigns.rankings_helpers import cluster, commune, status

from .conftest import serious_violations, signed_in_tab

pytestmark = pytest.mark.browser


@pytest.fixture
def two_clusters(world):
    other = cluster("Cụm An Bình")
    dong_hoa, _ = commune(other, "Xã Đông Hòa")
    for year in (2023, 2024):
        status(world.campaign, world.commune_a, year, NtmLevel.ADVANCED, 19)
        status(world.campaign, world.commune_b, year, NtmLevel.NTM, 19)
        status(world.campaign, dong_hoa, year, NtmLevel.NONE, 12)
    return world, other


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 768)])
def test_the_picker_and_the_search_show_the_cluster_asked_for(
    two_clusters, browser, browser_user, live_server, width, height
):
    world, _ = two_clusters
    user = browser_user(f"chutich_cum_{width}", [Role.CHAIRMAN])
    tab = signed_in_tab(browser, live_server, user, viewport={"width": width, "height": height})
    tab.context.add_init_script(Axe().axe_script)
    tab.goto(f"{live_server.url}/phong-trao/{world.campaign.code}/xep-hang/?year=2024")
    table = tab.locator("section.card table")
    assert "Xã Đông Hòa" in table.inner_text()  # "Cụm An Bình" sorts first
    tab.select_option("#f-cluster", label="Cụm thi đua thử nghiệm (2 xã)")
    tab.get_by_role("button", name="Xem").click()
    tab.wait_for_url("**cluster=*")
    assert "Xã Phổ Thử A" in table.inner_text()
    assert "Xã Đông Hòa" not in table.inner_text()
    tab.get_by_label("Tìm xã theo tên (cho biết xã thuộc cụm nào)").fill("dong hoa")
    tab.get_by_role("button", name="Tìm").click()
    tab.wait_for_url("**q=dong+hoa*")
    assert "thuộc Cụm An Bình" in tab.inner_text("#search-result")
    assert tab.locator("tr.table-warning").inner_text().startswith("1")
    assert "Xã Đông Hòa" in tab.locator("tr.table-warning").inner_text()
    shots = os.environ.get("SCREENSHOTS")
    if shots:
        tab.screenshot(path=f"{shots}/ranking-{width}.png", full_page=True)
    _check(tab)
    # The criteria table: the same picker, the commune found highlighted.
    tab.goto(
        f"{live_server.url}/phong-trao/{world.campaign.code}/xep-hang/bang-tieu-chi/?year=2024"
    )
    tab.select_option("#f-cluster", label="Cụm thi đua thử nghiệm (2 xã)")
    tab.get_by_role("button", name="Xem").click()
    tab.wait_for_url("**cluster=*")
    assert "Xã Phổ Thử B" in tab.locator("table.heatmap").inner_text()
    tab.get_by_label("Tìm xã theo tên (cho biết xã thuộc cụm nào)").fill("Đông Hòa")
    tab.get_by_role("button", name="Tìm").click()
    tab.wait_for_url("**q=*")
    assert "Xã Đông Hòa" in tab.locator("table.heatmap tr.table-warning").inner_text()
    if shots:
        tab.screenshot(path=f"{shots}/heatmap-{width}.png", full_page=True)
    _check(tab)


def _check(tab) -> None:
    violations = tab.evaluate("() => axe.run(document).then((r) => r.violations)")
    assert serious_violations(violations) == []
    fits = tab.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the page is wider than the screen"
