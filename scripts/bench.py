"""Times the portal's heavy pages in-process (Django test Client, no network, DEBUG off) on the
generated data set of the database in DATABASE_URL, and prints one Markdown table.

Per page: the first request after a change of everything ("cold": `portal.figures_cache.reset()`
before each timed request: every figure and desk afresh, as after an edit of reference data), the
first request after an officer saves a self-assessment ("entry": the desks and the figures that
read the assessments' tables afresh, the commonest write of the year) — each twice: a reader who
comes before the worker has renewed the figures (`portal.figures_cache.renew`, the task a write
sends), and one who comes after it, with the renewal's own time beside — and the requests after
it ("warm"), as medians (p95 for warm) of server time; the ratio of each median to `/healthz/`
timed in the same loop (one healthz request before each page request, so a change in the
machine's load falls on both); the size of the response; the SQL queries of one cold and one
warm request; and goal 1 of the national-scale work: median ≤ 20× `/healthz/` after a change
(once renewed) and warm, and ≤ 300 KB of HTML (a reader ahead of the worker is noted).

A page's address is written once, in `PAGES`; an address that no longer resolves (or a page that
does not answer 200) is reported as "—" with the reason, and the other pages are still measured.
Run by scripts/bench.sh after the data set is loaded (docs/performance.md).

Settings (environment): REQUESTS (20 warm requests a page), COLD (10 cold requests a page),
PAGE_SECONDS (60: a phase stops early after this long, with at least MIN_REQUESTS = 5),
BENCH_CAMPAIGN (gen-1), BENCH_CACHE_URL (redis://…: the figure cache in Redis as in production;
default the local-memory cache of the process), BENCH_PAGES (comma-separated keys: only those).
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django
from django.apps import apps

if not apps.ready:
    django.setup()

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse

from campaigns.models import Campaign, NtmStatus
from portal.figures_cache import bump, bump_tables, renew, reset
from portal.models import RoleGrant, User
from portal.roles import Role
from units.models import Unit, UnitKind

#: Goal 1 (docs/performance.md): a page's median, cold and warm, at most this many times the
#: trivial view's, and at most this much HTML.
MAX_RATIO = 20
MAX_HTML_KB = 300
MIN_REQUESTS = 5
WARMUP = 3


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    role: str  # which bench account asks: chairman, secretariat, officer
    url: Callable[[Campaign, int], str]  # may raise NoReverseMatch
    html: bool = True  # the 300-KB bound is for HTML; a file download is reported, not judged


def _campaign_url(name: str, query: str = "") -> Callable[[Campaign, int], str]:
    def build(campaign: Campaign, year: int) -> str:
        address = reverse(name, kwargs={"code": campaign.code})
        return address + "?" + query.format(code=campaign.code, year=year) if query else address

    return build


#: The pages measured, in the order of the table. Change an address here (one place) when a
#: page's URL or default parameters change.
PAGES: list[Page] = [
    Page(
        "dashboard",
        "Chairman's dashboard (`/`)",
        "chairman",
        lambda c, y: f"{reverse('home')}?campaign={c.code}&year={y}",
    ),
    Page("officer", "Officer's dashboard (`/`, one commune)", "officer", lambda c, y: "/"),
    Page(
        "ranking",
        "Ranking (`…/xep-hang/`)",
        "chairman",
        _campaign_url("rankings:ranking", "year={year}"),
    ),
    Page(
        "heatmap",
        "Criteria table (`…/xep-hang/bang-tieu-chi/`)",
        "chairman",
        _campaign_url("rankings:heatmap", "year={year}"),
    ),
    Page(
        "targets",
        "Target progress (`…/xep-hang/chi-tieu/`)",
        "chairman",
        _campaign_url("rankings:targets", "year={year}"),
    ),
    Page(
        "bloc",
        "Bloc ranking (`…/xep-hang/?kind=bloc`)",
        "chairman",
        _campaign_url("rankings:ranking", "year={year}&kind=bloc"),
    ),
    Page(
        "attention",
        "Units needing attention (`…/xep-hang/can-quan-tam/`)",
        "chairman",
        _campaign_url("rankings:attention", "year={year}"),
    ),
    Page(
        "queue",
        "Review queue, all statuses (`…/tham-dinh/?status=`)",
        "secretariat",
        _campaign_url("campaigns:review-queue", "status="),
    ),
    Page(
        "queue-submitted",
        "Review queue, waiting for review (`…/tham-dinh/`)",
        "secretariat",
        _campaign_url("campaigns:review-queue"),
    ),
    Page(
        "completeness",
        "Completeness (`…/tien-do/`)",
        "secretariat",
        _campaign_url("campaigns:completeness", "year={year}"),
    ),
    Page(
        "units", "Units list (`/don-vi/`)", "secretariat", lambda c, y: reverse("units:unit-list")
    ),
    Page(
        "ranking-xlsx",
        "Ranking, .xlsx",
        "chairman",
        _campaign_url("rankings:ranking", "year={year}&format=xlsx"),
        html=False,
    ),
    Page(
        "heatmap-xlsx",
        "Criteria table, .xlsx",
        "chairman",
        _campaign_url("rankings:heatmap", "year={year}&format=xlsx"),
        html=False,
    ),
]


def fetch(client: Client, url: str) -> tuple[int, int]:
    """Status and body size of one request, the body read to its end (a streamed file is only
    made while it is read)."""
    response = client.get(url)
    if response.streaming:  # the test client closes it at the end, as a WSGI server would
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    return response.status_code, size


def timed(client: Client, url: str) -> float:
    start = time.perf_counter()
    status, _ = fetch(client, url)
    elapsed = (time.perf_counter() - start) * 1000
    if status != 200:
        raise PageFailed(f"HTTP {status}")
    return elapsed


class PageFailed(Exception):
    pass


def count_queries(client: Client, url: str) -> tuple[int, int]:
    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        status, size = fetch(client, url)
    if status != 200:
        raise PageFailed(f"HTTP {status}")
    return len(executed), size


def percentile(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


#: The tables an officer's save of a self-assessment writes (what the "entry" phase renews).
ENTRY_TABLES = ("campaigns_assessment", "campaigns_assessmentitem", "campaigns_evidence")


def after_entry() -> None:
    bump()  # the audit event's
    bump_tables(ENTRY_TABLES)


@dataclass
class Result:
    cold: list[float]  # the first request after a change, before the worker renewed anything
    entry: list[float]
    cold_renewed: list[float]  # the same, once the worker's renewal is done
    entry_renewed: list[float]
    warm: list[float]
    worker_cold: list[float]  # the renewal's own time (the worker's, not a reader's)
    worker_entry: list[float]
    floor: list[float]  # /healthz/, one before each page request of every phase
    size: int
    queries_cold: int
    queries_warm: int

    @property
    def floor_ms(self) -> float:
        return statistics.median(self.floor)

    def ratio(self, times: list[float]) -> float:
        return statistics.median(times) / self.floor_ms


def measure(
    client: Client,
    floor_client: Client,
    url: str,
    *,
    warm_n: int,
    cold_n: int,
    seconds: float,
) -> Result:
    """Cold phase, then warm phase, each request preceded by one /healthz/ request."""
    for _ in range(WARMUP):  # imports, template loading, the database's buffers
        reset()
        timed(client, url)
    reset()
    queries_cold, _ = count_queries(client, url)
    queries_warm, size = count_queries(client, url)
    floor: list[float] = []

    def phase(n: int, before: Callable[[], None]) -> list[float]:
        times: list[float] = []
        started = time.monotonic()
        while len(times) < n and (
            len(times) < MIN_REQUESTS or time.monotonic() - started < seconds
        ):
            floor.append(timed(floor_client, "/healthz/"))
            before()
            times.append(timed(client, url))
        return times

    worker: dict[str, list[float]] = {"cold": [], "entry": []}

    def renewed(change: Callable[[], None], kind: str) -> Callable[[], None]:
        """The change, then the worker's renewal (portal.tasks.renew_figures), timed apart."""

        def before() -> None:
            change()
            started = time.perf_counter()
            renew()
            worker[kind].append((time.perf_counter() - started) * 1000)

        return before

    cold = phase(cold_n, reset)
    cold_renewed = phase(cold_n, renewed(reset, "cold"))
    timed(client, url)  # every figure computed once before the entry phase
    entry = phase(cold_n, after_entry)
    entry_renewed = phase(cold_n, renewed(after_entry, "entry"))
    timed(client, url)  # the first after the last bump is not warm yet
    warm = phase(warm_n, lambda: None)
    return Result(
        cold,
        entry,
        cold_renewed,
        entry_renewed,
        warm,
        worker["cold"],
        worker["entry"],
        floor,
        size,
        queries_cold,
        queries_warm,
    )


def bench_user(role: str, campaign: Campaign) -> User:
    """The bench's account for a role (made on first use, on the bench's own database)."""
    user, _ = User.objects.get_or_create(
        username=f"bench-page-{role}", defaults={"full_name": f"Đo hiệu năng ({role})"}
    )
    grant = {"officer": Role.UNIT_OFFICER, "secretariat": Role.SECRETARIAT}.get(role, Role.CHAIRMAN)
    RoleGrant.objects.get_or_create(user=user, role=grant)
    if role == "officer" and not user.units.exists():
        prefix = f"G{campaign.code.removeprefix('gen-')}-X"
        commune = (
            Unit.objects.filter(kind=UnitKind.COMMUNE, code__startswith=prefix)
            .order_by("code")
            .first()
        )
        if commune is not None:
            user.units.add(commune)
    return user


def row(page: Page, result: Result | None, note: str = "") -> tuple[str, bool | None]:
    """One line of the table and whether the page meets goal 1 (None: not measured, or a file,
    which is reported and not judged)."""
    if result is None:
        return f"| {page.label} | — | — | — | — | — | — | — | — {note} |", None
    ratios = [
        result.ratio(t)
        for t in (result.cold, result.cold_renewed, result.entry, result.entry_renewed)
    ]
    warm_ratio = result.ratio(result.warm)
    kb = result.size / 1024
    # Goal 1 is on pages, once the worker has renewed the figures; a file download is reported,
    # not judged. A reader ahead of the worker is shown beside it.
    ok = (
        ratios[1] <= MAX_RATIO
        and ratios[3] <= MAX_RATIO
        and warm_ratio <= MAX_RATIO
        and kb <= MAX_HTML_KB
        if page.html
        else None
    )
    ahead = max(ratios[0], ratios[2]) <= MAX_RATIO
    verdict = (
        "file"
        if ok is None
        else ("pass" if ok else "**fail**") + ("" if ahead else " (ahead of the worker: fail)")
    )
    med = statistics.median
    return (
        f"| {page.label} | {med(result.cold):,.0f} / {med(result.cold_renewed):,.0f} "
        f"| {med(result.entry):,.0f} / {med(result.entry_renewed):,.0f} "
        f"| {med(result.warm):,.0f} / {percentile(result.warm, 0.95):,.0f} "
        f"| {ratios[0]:,.0f}× {ratios[1]:,.0f}× / {ratios[2]:,.0f}× {ratios[3]:,.0f}× / "
        f"{warm_ratio:,.0f}× "
        f"| {med(result.worker_cold):,.0f} / {med(result.worker_entry):,.0f} "
        f"| {kb:,.0f}{'' if page.html else ' (file)'} "
        f"| {result.queries_cold} / {result.queries_warm} | {verdict} |",
        ok,
    )


def loadavg() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def main(pages: list[Page] = PAGES) -> int:
    # Production-like: no debug cursor, plain HTTP for the test client, /healthz/ answering with
    # one SELECT 1 (no broker to ask: tasks would run in-process, none is sent here).
    overrides: dict = {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": False,
        "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"],
        "CELERY_TASK_ALWAYS_EAGER": True,
    }
    database = settings.DATABASES["default"]["NAME"]
    cache_url = os.environ.get("BENCH_CACHE_URL", "")
    if cache_url:
        overrides["CACHES"] = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": cache_url,
                # Two sizes' databases have the same campaign code: keep their figures apart.
                "KEY_PREFIX": f"bench-{Path(str(database)).name}",
            },
        }
    with override_settings(**overrides):
        run(pages)
    return 0


def run(pages: list[Page]) -> None:
    """Measure `pages` on this database and print the table."""
    cache_url = os.environ.get("BENCH_CACHE_URL", "")
    database = settings.DATABASES["default"]["NAME"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics for freshly loaded tables
    warm_n = int(os.environ.get("REQUESTS", "20"))
    cold_n = int(os.environ.get("COLD", "10"))
    seconds = float(os.environ.get("PAGE_SECONDS", "60"))
    only = {k for k in os.environ.get("BENCH_PAGES", "").split(",") if k}
    code = os.environ.get("BENCH_CAMPAIGN", "gen-1")
    campaign = Campaign.objects.get(code=code)
    year = campaign.end_year
    communes = Unit.objects.filter(kind=UnitKind.COMMUNE).count()
    expected = os.environ.get("COMMUNES")
    clients = {}
    for role in ("chairman", "secretariat", "officer"):
        clients[role] = Client()
        clients[role].force_login(
            bench_user(role, campaign), backend="django.contrib.auth.backends.ModelBackend"
        )
    floor_client = Client()
    now = time.gmtime()
    print(
        f"\n== {connection.vendor} `{database}` · {communes:,} communes · "
        f"{NtmStatus.objects.count():,} NTM rows · year {year} · cold {cold_n} / warm {warm_n} "
        f"requests a page (at most {seconds:.0f} s a phase, at least {MIN_REQUESTS}) · cache "
        f"{'Redis' if cache_url else 'local memory'} · Python {platform.python_version()} · "
        f"load average (1/5/15 min) {loadavg()} · {time.strftime('%Y-%m-%d %H:%M UTC', now)}\n"
    )
    if expected and expected.isdigit() and int(expected) != communes:
        print(
            f"   (COMMUNES={expected}, but this database holds {communes} communes: it was "
            "generated with another size; the figures are for the database's size.)\n"
        )
    print(
        "| Page | cold: reader first / after the worker (ms) | after a self-assessment: reader "
        "first / after the worker (ms) | warm median / p95 (ms) | × `/healthz/` cold / entry / "
        "warm | worker's renewal cold / entry (ms) | KB | queries cold / warm | goal 1 |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    floors: list[float] = []
    verdicts: list[bool | None] = []
    for page in pages:
        if only and page.key not in only:
            continue
        try:
            url = page.url(campaign, year)
        except NoReverseMatch as exc:
            line, ok = row(page, None, f"no such address here ({exc.args[0][:60]})")
        else:
            try:
                result = measure(
                    clients[page.role],
                    floor_client,
                    url,
                    warm_n=warm_n,
                    cold_n=cold_n,
                    seconds=seconds,
                )
            except PageFailed as exc:
                line, ok = row(page, None, f"{url} answered {exc}")
            else:
                floors.extend(result.floor)
                line, ok = row(page, result)
                if not page.html:  # a file: reported, not judged, and not "not measured"
                    print(line, flush=True)
                    continue
        verdicts.append(ok)
        print(line, flush=True)
    if floors:
        print(
            f"\n`/healthz/` in the same loops: median {statistics.median(floors):.1f} ms, "
            f"p95 {percentile(floors, 0.95):.1f} ms ({len(floors)} requests)."
        )
    measured = [v for v in verdicts if v is not None]
    print(
        f"Goal 1 (median ≤ {MAX_RATIO}× `/healthz/` cold and warm, HTML ≤ {MAX_HTML_KB} KB): "
        f"{sum(measured)} of {len(measured)} pages pass"
        + (
            f", {len(verdicts) - len(measured)} not measured"
            if len(measured) < len(verdicts)
            else ""
        )
        + f". Load average at the end: {loadavg()}."
    )


if __name__ == "__main__":
    sys.exit(main())
