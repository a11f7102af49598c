"""Every role walks its own menu (and its home) in Chromium, at a desktop width and a phone width.

On every page: axe finds no serious or critical violation; the page is never wider than the
window; the menu bar stays on one line (or folds into its toggle button); a filter form shows its
fields; no element carries two button colours. The rules are in docs/ui.md.
"""

from __future__ import annotations

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe

from campaigns.models import AssessmentStatus, TargetGroup
from portal.roles import Role
from tests.browser.conftest import BROWSER_PASSWORD, serious_violations, signed_in_tab
from tests.campaigns import cycle_world as cw
from tests.factories import UserFactory

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

#: A long evidence name without spaces: it must wrap on a phone instead of widening the page.
LONG_FILE = "Bao_cao_ket_qua_thuc_hien_bo_tieu_chi_xa_nong_thon_moi_nang_cao_nam_2025_ban_cuoi.pdf"

# One person per role, named as long as real names get (the menu truncates the name).
PEOPLE = {
    Role.SECRETARIAT: ("tt_man_hinh", [Role.SECRETARIAT]),
    Role.ECONOMIC_OFFICE: ("kt_man_hinh", [Role.ECONOMIC_OFFICE]),
    Role.UNIT_OFFICER: ("cb_man_hinh", [Role.UNIT_OFFICER]),
    Role.COUNCIL_MEMBER: ("hd_man_hinh", [Role.COUNCIL_MEMBER]),
    Role.CHAIRMAN: ("ct_man_hinh", [Role.CHAIRMAN, Role.COUNCIL_MEMBER]),
    Role.OBSERVER: ("td_man_hinh", [Role.OBSERVER]),
}

# What a page must satisfy besides axe; each check returns a list of problems (empty: fine).
PAGE_CHECKS = """async () => {
  // After a resize, let the page's own layout script (portal.js) run first.
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const problems = [];
  const html = document.documentElement;
  if (html.scrollWidth > window.innerWidth) {
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .slice(0, 3).map((el) => el.tagName.toLowerCase() + '.' + el.className);
    problems.push(`trang rộng ${html.scrollWidth}px > cửa sổ ${window.innerWidth}px: ${wide}`);
  }
  const nav = document.querySelector('nav.navbar');
  const toggler = nav.querySelector('.navbar-toggler');
  const folded = toggler && getComputedStyle(toggler).display !== 'none';
  // At a desk (1280 px) every role's menu is open on one line; narrower, it may fold.
  if (folded && window.innerWidth >= 1280) problems.push('menu gập lại ở 1280 px');
  if (!folded) {
    const tops = new Set([...nav.querySelectorAll('.navbar-nav > .nav-item')]
      .map((li) => Math.round(li.getBoundingClientRect().top)));
    if (tops.size > 1) problems.push(`menu xuống ${tops.size} dòng`);
    const tall = [...nav.querySelectorAll('.navbar-nav > .nav-item > .nav-link')]
      .filter((a) => a.getBoundingClientRect().height > 48).map((a) => a.textContent.trim());
    if (tall.length) problems.push(`mục menu gãy dòng: ${tall}`);
  }
  document.querySelectorAll('form.filter-form').forEach((form) => {
    if (!form.querySelector('input:not([type=hidden]), select, textarea')) {
      problems.push('bộ lọc không có ô nào');
    }
  });
  const variant =
    /^btn-(outline-)?(primary|secondary|success|danger|warning|info|light|dark|link)$/;
  document.querySelectorAll('.btn').forEach((el) => {
    const colours = [...el.classList].filter((c) => variant.test(c));
    if (colours.length > 1) problems.push(`nút hai màu “${el.textContent.trim()}”: ${colours}`);
  });
  return problems;
}"""


@pytest.fixture
def desk(world):
    """The world with work in it: commune A's draft with a long-named evidence file, commune B's
    submitted assessment, the department's returned one, and a deadline gone by (late units)."""
    draft = cw.assessment(world.commune_a, world.campaign)
    cw.evidence(cw.item_no(draft, 1), name=LONG_FILE)
    submitted = cw.assessment(world.commune_b, world.campaign, status=AssessmentStatus.SUBMITTED)
    cw.evidence(cw.item_no(submitted, 1), name=LONG_FILE)
    returned = cw.assessment(
        world.department,
        world.campaign,
        status=AssessmentStatus.RETURNED,
        group=TargetGroup.ORGANISATIONS,
    )
    cw.registration(world.commune_a, world.campaign)
    cw.deadline(world.campaign, 2025, datetime.date(2025, 1, 15))
    world.draft, world.submitted, world.returned = draft, submitted, returned
    return world


def _extra_pages(role: Role, world) -> list[str]:
    """Pages beyond the menu where the defects were seen: the self-assessment form with its
    evidence (officer); the review of a submitted one, a returned one, the campaign and its
    completeness table with the late rows (secretariat); the units needing attention (chairman)."""
    if role == Role.UNIT_OFFICER:
        return [world.draft.get_absolute_url()]
    if role == Role.SECRETARIAT:
        return [
            world.submitted.get_absolute_url(),
            world.returned.get_absolute_url(),
            f"/phong-trao/{world.campaign.code}/",
            f"/phong-trao/{world.campaign.code}/tien-do/",
        ]
    if role == Role.CHAIRMAN:
        # the full list behind the dashboard's "Xem tất cả"
        return [f"/phong-trao/{world.campaign.code}/xep-hang/can-quan-tam/"]
    return []


@pytest.mark.parametrize("role", list(PEOPLE), ids=lambda r: r.value)
def test_every_page_of_the_menu_passes_axe_and_fits_the_screen(role, desk, browser, live_server):
    username, roles = PEOPLE[role]
    units = [desk.commune_a] if role == Role.UNIT_OFFICER else []
    user = UserFactory(
        username=username,
        full_name="Nguyễn Thị Phương Thảo Nguyên Hồng (thử)",
        roles=roles,
        units=units,
        password=BROWSER_PASSWORD,
    )
    tab = signed_in_tab(browser, live_server, user, viewport=DESKTOP)
    tab.context.add_init_script(Axe().axe_script)
    menu = tab.eval_on_selector_all(
        "[data-testid=main-menu] [data-menu]", "links => links.map((a) => a.getAttribute('href'))"
    )
    assert menu, "menu trống"
    pages = ["/", *dict.fromkeys(menu), *_extra_pages(role, desk)]
    problems: list[str] = []

    for url in pages:
        tab.set_viewport_size(DESKTOP)
        response = tab.goto(f"{live_server.url}{url}")
        assert response.status == 200, f"{url}: {response.status}"
        tab.wait_for_load_state("load")
        # The same page at both widths (a phone turned from a desk: no second load).
        for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            tab.set_viewport_size(viewport)
            violations = _axe(tab, _axe_options(width, url))
            found = tab.evaluate(PAGE_CHECKS) + serious_violations(violations)
            problems += [f"[{width}] {url}: {p}" for p in found]
    assert not problems, "\n".join(problems)


#: Pages whose colours axe has measured in this test process. Colour contrast is by far axe's
#: slowest rule and a page's colours do not depend on who reads it, so each page's contrast is
#: measured once (by the first role that walks it); every other rule runs for every role.
_CONTRAST_CHECKED: set[str] = set()


def _axe_options(width: str, url: str) -> dict:
    options: dict = {"resultTypes": ["violations"]}
    if width == "phone":
        # What changes with the width: tables become scroll regions.
        options["runOnly"] = ["scrollable-region-focusable"]
    elif url in _CONTRAST_CHECKED:
        options["rules"] = {"color-contrast": {"enabled": False}}
    else:
        _CONTRAST_CHECKED.add(url)
    return options


def _axe(tab, options: dict) -> list[dict]:
    """axe-core's violations on the page (axe is in every page: an init script of the context)."""
    return tab.evaluate("(o) => axe.run(document, o).then((r) => r.violations)", options)
