"""Every list and report page runs the same number of queries for 10 rows and for 1,000 rows,
and at most 15 (issue #8, "Proof under load"; docs/performance.md, "Query counts and N+1
detection").

Each case builds 10 rows with `bulk_create`, requests the page once to warm the per-process
caches (content types, the session), counts the queries of a second request, adds 990 rows,
and counts again. The N+1 detector (django-zeal, wired in `tests/settings.py`) watches the same
requests, so a relation loaded per row fails here with the line that loaded it.

`test_every_list_url_has_a_case` fails when a URL name that looks like a list, an index, an
export, a queue or a panel has no case here (or no reasoned entry in NOT_MEASURED), so the table
cannot silently go stale. Every case also checks that its rows are on the page (a marker in the
HTML, a row count in an .xlsx file), so an empty page cannot pass.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from portal import figures_cache
from tests.introspection import url_names
from units.models import Unit

from . import builders as b
from .builders import YEAR, Ctx

# One world and its users per module, each test in a savepoint (tests/conftest.py).
SHARED_WORLD = True

pytestmark = pytest.mark.django_db

LIMIT = 15
SMALL, LARGE = 10, 1000
#: Not counted: the savepoint ATOMIC_REQUESTS opens around each request inside the test's
#: transaction (in production it is the request's BEGIN/COMMIT, which Django does not log).
TRANSACTION = re.compile(r"\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b")


@dataclass
class Case:
    """One page: how to reach it, which rows make it grow, what its first rows show."""

    id: str
    url_name: str
    grow: Callable[[Ctx, int, int], None]
    params: dict | Callable[[Ctx], dict] = field(default_factory=dict)
    args: Callable[[Ctx], list] | None = None
    persona: str = "secretariat"
    #: Text the 10-row page must contain (proves the rows are on the page); "" for files.
    marker: str = ""
    xlsx: bool = False
    #: False when a file's rows are not the rows that grow (statistics: one row per tier).
    file_rows: bool = True
    #: Queries allowed above LIMIT, with the reason (documented in docs/performance.md).
    limit: int = LIMIT
    reason: str = ""
    #: Other URL names this case stands for (the guard test reads them).
    covers: tuple[str, ...] = ()

    def url(self, ctx: Ctx) -> str:
        args = self.args(ctx) if self.args else []
        try:
            path = reverse(self.url_name, args=args or None)
        except NoReverseMatch:  # a campaign's page: /phong-trao/<code>/…
            path = reverse(self.url_name, args=[ctx.campaign.code, *args])
        params = self.params(ctx) if callable(self.params) else self.params
        return f"{path}?{urlencode(params)}" if params else path


def _campaign(ctx: Ctx) -> dict:
    return {}


def _campaign_year(ctx: Ctx) -> dict:
    return {"year": YEAR}


def _code(ctx: Ctx) -> list:
    return [ctx.campaign.code]


def _xlsx(case: Case, **changes) -> Case:
    """The .xlsx variant of an HTML list (`?format=xlsx`)."""
    params = case.params

    def with_format(ctx: Ctx) -> dict:
        base = params(ctx) if callable(params) else dict(params)
        return {**base, "format": "xlsx"}

    return Case(
        **{
            **case.__dict__,
            "id": f"{case.id} (xlsx)",
            "params": with_format,
            "xlsx": True,
            "marker": "",
            **changes,
        }
    )


RANKING = Case(
    "ranking",
    "rankings:ranking",
    b.ntm_communes,
    _campaign_year,
    marker="Xã Đo Lường 00000",
)
HEATMAP = Case(
    "heatmap",
    "rankings:heatmap",
    b.ntm_communes,
    _campaign_year,
    marker="Xã Đo Lường 00000",
)

CASES: list[Case] = [
    # --- site shell -------------------------------------------------------------------------
    Case(
        "dashboard (chairman)",
        "home",
        b.dashboard,
        {"year": YEAR},
        persona="chairman",
        marker="Tiến độ chỉ tiêu",
        # Within LIMIT since its figures are computed once per data version (the second request
        # reads them from the cache); the cold request's ~20 queries are the same at 30 and 300
        # communes (tests/portal/test_dashboard_summary.py).
    ),
    Case(
        "units needing attention",
        "rankings:attention",
        b.dashboard,
        _campaign_year,
        persona="chairman",
        marker="Đơn vị cần quan tâm năm",
    ),
    Case(
        "dashboard (officer)",
        "home",
        b.dashboard,
        {"year": YEAR},
        persona="officer_a",
        marker="Xã Phổ Thử A",
    ),
    Case(
        "public campaign page",
        "public-campaign",
        b.releases,
        args=_code,
        persona="anonymous",
        marker="Tin đo 00000",
    ),
    Case("users", "user-list", b.users, marker="perf00000"),
    # Filtered to the rows that grow: unfiltered, the 10-row page also shows the world's own
    # creation events, and the campaign's points at the NTM criteria set, a reference table
    # without history whose names take one query (portal/audit_display.py: one per such model,
    # whatever the number of events; tests/portal/test_audit_display.py bounds the page with
    # every audited model on it).
    Case(
        "audit log",
        "audit-list",
        b.audit_events,
        params={"model": "units.unit"},
        marker="Đơn vị 00009",
    ),
    Case(
        "audit log of one row",
        "audit-object",
        b.audit_events_of_one_row,
        args=lambda ctx: ["units.unit", str(ctx.world.commune_a.pk)],
        marker="Đơn vị 00009",
    ),
    Case("import index", "import-index", b.villages, marker="nhap-du-lieu"),
    # --- units ------------------------------------------------------------------------------
    Case("units", "units:unit-list", b.villages, marker="Thôn Đo Lường 00000"),
    Case("units (officer)", "units:unit-list", b.villages, persona="officer_a", marker="00000"),
    Case("units export", "units:unit-export", b.villages, xlsx=True, marker=""),
    Case("people", "units:person-list", b.people, marker="Nguyễn Văn Đo 00000"),
    Case("clusters", "units:cluster-list", b.clusters, marker="Cụm Đo Lường 00000"),
    Case(
        "issuing authorities",
        "units:authority-list",
        b.authorities,
        marker="Ủy ban nhân dân xã Đo 00000",
    ),
    # --- campaigns: cycle -------------------------------------------------------------------
    Case("campaigns", "campaigns:campaign-list", b.campaigns, marker="Phong trào đo 00000"),
    Case(
        "campaign page (targets, milestones)",
        "campaigns:campaign-detail",
        b.many_targets,
        args=_code,
        marker="Chỉ tiêu đo 00000",
    ),
    Case(
        "criteria sets",
        "campaigns:criteriaset-list",
        b.criteria_sets,
        args=_code,
        marker="Bộ tiêu chí đo 00000",
    ),
    Case(
        "registrations",
        "campaigns:registration-list",
        b.registrations,
        _campaign_year,
        marker="Xã Đo Lường 00000",
    ),
    Case(
        "registrations export",
        "campaigns:registration-export",
        b.registrations,
        _campaign_year,
        xlsx=True,
        marker="",
    ),
    Case(
        "assessments",
        "campaigns:assessment-list",
        b.assessments,
        _campaign,
        marker="Xã Đo Lường 00000",
    ),
    Case(
        "review queue",
        "campaigns:review-queue",
        b.assessments,
        _campaign_year,
        marker="Xã Đo Lường 00000",
    ),
    Case(
        "extensions",
        "campaigns:extension-list",
        b.extensions,
        _campaign,
        marker="Xã Đo Lường 00000",
    ),
    # --- campaigns: results -----------------------------------------------------------------
    Case(
        "completeness",
        "campaigns:completeness",
        b.expected_units,
        {"year": YEAR},
        args=_code,
        marker="Xã Đo Lường 00000",
    ),
    Case(
        "completeness export",
        "campaigns:completeness-export",
        b.expected_units,
        {"year": YEAR},
        args=_code,
        xlsx=True,
        marker="",
    ),
    Case("NTM grid", "campaigns:ntm-list", b.ntm_communes, {"year": YEAR}, marker="00000"),
    Case(
        "NTM export",
        "campaigns:data-export",
        b.ntm_communes,
        {"year": YEAR},
        args=lambda ctx: ["ntm_status"],
        xlsx=True,
        marker="",
    ),
    Case("contributions", "campaigns:contribution-list", b.contributions, marker="Hộ ông Đo 0000"),
    Case(
        "contributions export",
        "campaigns:contribution-export",
        b.contributions,
        xlsx=True,
        marker="",
    ),
    Case(
        "contributions data export",
        "campaigns:data-export",
        b.contributions,
        args=lambda ctx: ["contributions"],
        xlsx=True,
        marker="",
    ),
    # --- campaigns: rankings ----------------------------------------------------------------
    RANKING,
    _xlsx(RANKING),
    Case(
        "bloc ranking",
        "rankings:ranking",
        b.bloc_units,
        lambda ctx: {**_campaign_year(ctx), "kind": "bloc"},
        marker="Phòng Đo Lường 00000",
    ),
    HEATMAP,
    _xlsx(HEATMAP),
    Case("targets", "rankings:targets", b.targets, _campaign_year, marker="Giữ vững tiêu chí"),
    Case(
        "targets (many targets)",
        "rankings:targets",
        b.many_targets,
        _campaign_year,
        marker="Chỉ tiêu đo 00000",
    ),
    # --- campaigns: oversight ---------------------------------------------------------------
    Case(
        "inspections",
        "campaigns:oversight:inspection-list",
        b.inspections,
        marker="Kiểm tra đo 00000",
    ),
    Case(
        "inspections (officer)",
        "campaigns:oversight:inspection-list",
        b.inspections,
        persona="officer_a",
        marker="Kiểm tra đo 00000",
    ),
    Case(
        "sponsorships",
        "campaigns:oversight:sponsorship-list",
        b.sponsorships,
        marker="Xã Đo Lường 00000",
    ),
    Case(
        "difficulties",
        "campaigns:oversight:feedback-list",
        b.feedback,
        marker="Khó khăn đo 00009",
    ),
    Case(
        "difficulties export",
        "campaigns:oversight:feedback-export",
        b.feedback,
        xlsx=True,
        marker="",
    ),
    Case(
        "budget",
        "campaigns:oversight:budget-list",
        b.budget_lines,
        marker="Dòng kinh phí đo 00000",
    ),
    Case(
        "budget export",
        "campaigns:oversight:budget-export",
        b.budget_lines,
        xlsx=True,
        marker="",
    ),
    Case("news", "campaigns:oversight:news-list", b.news, marker="Tin đo 00000"),
    Case(
        "figure releases",
        "campaigns:oversight:release-list",
        b.figure_releases,
        persona="chairman",
        marker="Đang hiển thị",
    ),
    # --- awards -----------------------------------------------------------------------------
    Case("award tiers", "awards:tier-list", b.tiers, marker="Danh hiệu đo 00000"),
    Case("nominations", "awards:nomination-list", b.nominations, marker="Nguyễn Văn Đo 0000"),
    Case(
        "nominations export",
        "awards:nomination-export",
        b.nominations,
        xlsx=True,
        marker="",
    ),
    Case("council sessions", "awards:session-list", b.sessions, marker="Phiên họp đo 00009"),
    Case("decisions", "awards:decision-list", b.decisions, marker="00009/QĐ-UBND"),
    Case("award history", "awards:award-list", b.awards, marker="Nguyễn Văn Đo 0000"),
    Case("award history export", "awards:award-export", b.awards, xlsx=True, marker=""),
    Case(
        "award statistics",
        "awards:statistics",
        b.awards,
        {"year": YEAR},
        marker="Giấy khen của Chủ tịch UBND (đo)",
    ),
    Case(
        "award statistics export",
        "awards:statistics-export",
        b.awards,
        {"year": YEAR},
        xlsx=True,
        file_rows=False,
        marker="",
    ),
    Case(
        "exemplars and initiatives",
        "awards:exemplar-list",
        b.exemplars,
        marker="Điển hình đo 00009",
    ),
    Case(
        "public consultation",
        "awards_public:consultation",
        b.open_consultations,
        args=_code,
        persona="anonymous",
        marker="Nguyễn Văn Đo 0000",
    ),
    Case(
        "public exemplars",
        "awards_public:exemplars",
        b.exemplars,
        args=_code,
        persona="anonymous",
        marker="Điển hình đo 00009",
    ),
    # --- reports ----------------------------------------------------------------------------
    Case("reports archive", "reports:report-list", b.reports, marker="Quyết định số REPORT"),
    Case(
        "sign-off queue",
        "reports:signoff-queue",
        b.reports,
        persona="chairman",
        marker="Phiên họp đo",
    ),
]


def _pk(obj_of: Callable[[Ctx], object]) -> Callable[[Ctx], list]:
    return lambda ctx: [obj_of(ctx).pk]


def _first_report(ctx: Ctx):
    from reports.models import Report

    return Report.objects.order_by("pk").first()


#: Tables inside pages, and the panels that unit, person and cluster pages load (htmx).
CASES += [
    Case(
        "unit page (villages)",
        "units:unit-detail",
        b.villages,
        args=_pk(lambda ctx: ctx.world.commune_a),
        marker="Thôn Đo Lường 00000",
    ),
    Case(
        "cluster page (units)",
        "units:cluster-detail",
        b.villages,
        args=_pk(lambda ctx: ctx.cluster),
        marker="Thôn Đo Lường 00000",
    ),
    Case(
        "NTM panel (villages)",
        "campaigns:ntm-panel",
        b.villages_with_status,
        args=_pk(lambda ctx: ctx.world.commune_a),
        marker="Thôn Đo Lường 00000",
    ),
    Case(
        "commune ranking panel",
        "rankings:commune-panel",
        b.ntm_communes,
        args=_pk(lambda ctx: Unit.objects.get(code="PERF-XA-00000")),
        marker="2024",
    ),
    Case(
        "cluster ranking panel",
        "rankings:cluster-panel",
        b.ntm_communes,
        args=_pk(lambda ctx: ctx.cluster),
        marker="Xã Đo Lường 0000",
    ),
    Case(
        "unit assessments panel",
        "campaigns:unit-assessments-panel",
        b.unit_assessments,
        args=_pk(lambda ctx: ctx.world.commune_a),
        marker="2024",
    ),
    Case(
        "unit sponsorship panel",
        "campaigns:oversight:unit-sponsorship-panel",
        b.sponsorships,
        args=_pk(lambda ctx: ctx.world.department),
        marker="Xã Đo Lường 00000",
    ),
    Case(
        "unit oversight panel",
        "campaigns:oversight:unit-oversight-panel",
        b.unit_oversight,
        args=_pk(lambda ctx: ctx.world.commune_a),
        marker="Khó khăn đo 0000",
    ),
    Case(
        "unit awards panel",
        "awards:unit-awards-panel",
        b.awards,
        args=_pk(lambda ctx: ctx.world.commune_a),
        marker="Giấy khen của Chủ tịch UBND (đo)",
    ),
    Case(
        "person awards panel",
        "awards:person-awards-panel",
        b.awards_of_person,
        args=_pk(lambda ctx: ctx.world.person_a),
        marker="Giấy khen của Chủ tịch UBND (đo)",
    ),
    Case(
        "inspection page (findings)",
        "campaigns:oversight:inspection-detail",
        b.inspection_findings,
        args=_pk(lambda ctx: ctx.cache["inspection"]),
        marker="Kết luận đo 0000",
    ),
    Case(
        "criteria set page (criteria)",
        "campaigns:criteriaset-detail",
        b.criteria,
        args=_pk(lambda ctx: ctx.communes_set),
        marker="Tiêu chí đo 00000",
    ),
    Case(
        "assessment page (items)",
        "campaigns:assessment-detail",
        b.assessment_items,
        args=_pk(lambda ctx: ctx.cache["assessment"]),
        persona="officer_a",
        marker="Tiêu chí đo 00000",
    ),
    Case(
        "assessment history page (changes)",
        "campaigns:assessment-history",
        b.assessment_changes,
        args=_pk(lambda ctx: ctx.cache["assessment"]),
        persona="officer_a",
        marker="Ghi chú đo 00009",
    ),
    Case(
        "council session page (agenda)",
        "awards:session-detail",
        b.agenda,
        args=_pk(lambda ctx: ctx.session),
        marker="Nguyễn Văn Đo 00000",
    ),
    Case(
        "page before closing a session (agenda, missing voters, projections)",
        "awards:session-close",
        b.agenda_open,
        args=_pk(lambda ctx: ctx.session),
        marker="Nguyễn Văn Đo 00000",
    ),
    Case(
        "decision page (nominations, awards)",
        "awards:decision-detail",
        b.decision_nominations,
        args=_pk(lambda ctx: ctx.cache["decision"]),
        marker="Nguyễn Văn Đo 00000",
    ),
    Case(
        "forwarding letter page (nominations)",
        "awards:letter-detail",
        b.decision_nominations,
        args=_pk(lambda ctx: ctx.cache["letter"]),
        marker="Nguyễn Văn Đo 00000",
    ),
    Case(
        "nomination page (documents, events, comments)",
        "awards:nomination-detail",
        b.nomination_file,
        args=_pk(lambda ctx: ctx.cache["nomination"]),
        marker="ho-so-00000.pdf",
        limit=24,
        reason=(
            "a detail page that runs the eligibility check live: the nominee's awards, yearly "
            "ratings, pending cases, initiatives and the tier's rules, vote rule and required "
            "documents are one query each, and the dated conditions read the unit's LĐTT count "
            "and the tier's powers on the day (3); the action forms' edit-guard token reads the "
            "nomination's many-to-many links once each (3)"
        ),
    ),
    Case(
        "report page (versions)",
        "reports:report-detail",
        b.report_versions,
        args=_pk(_first_report),
        marker="Phiên bản",
        limit=26,
        reason=(
            "the secretariat's narrative form shows facts from the data beside each part "
            "(reports.evaluation: targets, communes year by year, the yearly inspections, "
            "recommendations, difficulties, budget, open assessments, contributions, exemplars, "
            "awards sent up): a fixed number of queries for the report, not per version"
        ),
    ),
]

#: URL names matching LIST_NAME that are not measured here, with the reason.
NOT_MEASURED: dict[str, str] = {}

#: URL names that look like lists, indexes, exports, queues or panels: each needs a case.
LIST_NAME = re.compile(r"(list|index|export|queue|panel)")


def test_every_list_url_has_a_case():
    covered = {c.url_name for c in CASES} | {n for c in CASES for n in c.covers}
    missing = sorted(
        name
        for name in url_names()
        if LIST_NAME.search(name.rsplit(":", 1)[-1])
        and name not in covered
        and name not in NOT_MEASURED
        and not name.startswith("admin:")
    )
    assert missing == [], f"list, index or export URLs without a query-count case: {missing}"
    stale = sorted(set(NOT_MEASURED) - url_names())
    assert stale == [], f"NOT_MEASURED names no URL any more: {stale}"


def test_every_case_proves_its_rows_are_shown():
    assert [c.id for c in CASES if not (c.xlsx or c.marker)] == []


def test_exceptions_have_reasons():
    for case in CASES:
        assert (case.limit > LIMIT) == bool(case.reason), case.id


def _count(client, url: str, case: Case, n: int | None, *, cold: bool = True) -> int:
    """The queries of a request; `cold`: one that computes every figure and desk afresh (the
    first after a change), else the next one."""
    if cold:
        figures_cache.reset()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    if n is not None:
        _check_rows(response, case, n)
    return len([q for q in ctx.captured_queries if not TRANSACTION.match(q["sql"])])


def _check_rows(response, case: Case, n: int) -> None:
    if case.xlsx:
        from openpyxl import load_workbook

        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        # getvalue(): a large export streams (portal.web.xlsx_download(stream=True))
        sheet = load_workbook(io.BytesIO(response.getvalue()), read_only=True).active
        if case.file_rows:
            assert sheet.max_row >= n, f"{case.id}: {sheet.max_row} rows in the file"
    elif case.marker:
        assert case.marker in response.content.decode(), f"{case.id}: {case.marker!r} not shown"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_queries_do_not_grow_with_rows(case: Case, world, users, client_as):
    ctx = Ctx(world, users)
    client = client_as(case.persona)
    case.grow(ctx, 0, SMALL)
    url = case.url(ctx)
    _count(client, url, case, None)  # warm-up: session, content types, per-process caches
    small = _count(client, url, case, SMALL)
    case.grow(ctx, SMALL, LARGE - SMALL)
    large = _count(client, url, case, None)
    assert small == large, f"{case.id}: {small} queries for {SMALL} rows, {large} for {LARGE}"
    warm = _count(client, url, case, None, cold=False)
    assert warm <= case.limit, f"{case.id}: {warm} queries after the first (limit {case.limit})"
    print(f"{case.id}: {small} → {large} queries (then {warm})")
