"""The chairman's dashboard draws its charts (Chart.js instances on the canvases) without
console errors, and a commune's page draws the chart of its htmx-loaded panel."""

from __future__ import annotations

import pytest

from campaigns.models import NtmLevel
from portal.roles import Role
from tests.campaigns.rankings_helpers import status, village_levels


@pytest.fixture
def data(world):
    for year, (a, b) in {2023: (17, 15), 2024: (19, 16)}.items():
        status(world.campaign, world.commune_a, year, NtmLevel.NTM if a == 19 else NtmLevel.NONE, a)
        status(world.campaign, world.commune_b, year, NtmLevel.NONE, b)
        village_levels([world.village_a, world.village_b], year, [NtmLevel.NTM, NtmLevel.NONE])
    return world


def _errors(page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and "favicon" not in (m.location or {}).get("url", "")
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_dashboard_renders_its_charts(data, browser_user, sign_in, page, live_server):
    errors = _errors(page)
    sign_in(browser_user("chutich_dash", [Role.CHAIRMAN]))
    page.goto(f"{live_server.url}/?year=2024")
    for canvas in ("chart-criteria", "chart-contributions", "chart-completeness", "chart-levels"):
        page.wait_for_function(
            f"() => window.Chart && Chart.getChart(document.getElementById('{canvas}'))"
        )
    lines = page.evaluate(
        "() => Chart.getChart(document.getElementById('chart-criteria')).data.datasets.length"
    )
    assert lines == 1  # the average of all communes, never one line per commune
    ticks = page.evaluate(
        "() => Chart.getChart(document.getElementById('chart-completeness'))"
        ".scales.y.ticks.map(t => t.value)"
    )
    assert ticks
    assert all(t == int(t) for t in ticks), ticks  # units are counted whole, never "0,4"
    # Communes meeting criterion 16: A in 2023 (B had 15); A and B in 2024.
    per_year = page.evaluate(
        "() => Chart.getChart(document.getElementById('chart-levels'))"
        ".data.datasets.map(d => d.data[15])"
    )
    assert per_year == [1, 2]
    assert errors == []


def test_commune_page_panel_draws_its_chart(data, browser_user, sign_in, page, live_server):
    errors = _errors(page)
    sign_in(browser_user("canbo_dash", [Role.UNIT_OFFICER], [data.commune_a]))
    page.goto(f"{live_server.url}/don-vi/{data.commune_a.pk}/")
    page.wait_for_selector("canvas[data-source^=commune-chart]")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-chart]'))"
    )
    assert "Đạt chuẩn NTM" in page.inner_text("[data-panel='rankings:commune-panel']")
    assert errors == []
