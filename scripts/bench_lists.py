"""Times the review queue, the completeness page and the unit list in-process (Django test
Client, DEBUG off), cold and warm, with `/healthz/` in the same loop.

- warm: the page asked a second time with nothing written in between (its figures are cached);
- cold: `portal.figures_cache.bump()` before each request, as after any write (every cached
  figure and the menu's desk are computed afresh).

Prints a Markdown table: median ms, × `/healthz/`, KB of HTML, queries. It writes one user
(`bench-secretariat`) and its role: run it on a copy of a bench data set, never on the set itself.
`REQUESTS` (default 15) requests per page and mode."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from campaigns.models import Campaign  # noqa: E402
from portal.figures_cache import bump  # noqa: E402
from portal.models import RoleGrant, User  # noqa: E402
from portal.roles import Role  # noqa: E402
from units.models import Unit, UnitKind  # noqa: E402

settings.DEBUG = False
settings.SECURE_SSL_REDIRECT = False
settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
REQUESTS = int(os.environ.get("REQUESTS", "15"))
code = os.environ.get("BENCH_CAMPAIGN", "gen-1")
campaign = Campaign.objects.get(code=code)
year = campaign.end_year
user, _ = User.objects.get_or_create(
    username="bench-secretariat", defaults={"full_name": "Đo hiệu năng"}
)
RoleGrant.objects.get_or_create(user=user, role=Role.SECRETARIAT)
client = Client()
client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
queue = reverse("campaigns:review-queue", args=[code])
pages = [
    ("/healthz/", "/healthz/"),
    ("Thẩm định, mọi trạng thái (năm của trang)", f"{queue}?status="),
    ("Thẩm định, mọi trạng thái, trang 2", f"{queue}?status=&page=2"),
    ("Thẩm định, mọi trạng thái, mọi năm", f"{queue}?status=&year="),
    ("Thẩm định, chờ duyệt", queue),
    ("Tiến độ báo cáo", f"{reverse('campaigns:completeness', args=[code])}?year={year}"),
    ("Tiến độ, trễ hạn", f"{reverse('campaigns:completeness', args=[code])}?year={year}&late=1"),
    ("Danh sách đơn vị", reverse("units:unit-list")),
]


def one(url: str, cold: bool) -> float:
    if cold:
        bump()
    else:
        client.get(url)  # nothing written since: what this page caches is there
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def queries(url: str) -> tuple[int, int]:
    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    return len(executed), len(response.content)


communes = Unit.objects.filter(kind=UnitKind.COMMUNE).count()
print(f"\n== {connection.vendor} · {communes} xã · {REQUESTS} lượt mỗi trang và chế độ\n")
print("| Trang | ấm (ms) | × healthz | nguội (ms) | × healthz | KB | truy vấn |")
print("|---|---:|---:|---:|---:|---:|---:|")
for url in (u for _, u in pages):  # warm-up
    client.get(url)
times: dict[str, dict[bool, list[float]]] = {u: {False: [], True: []} for _, u in pages}
for _ in range(REQUESTS):  # /healthz/ in the same loop as the pages
    for _, url in pages:
        for cold in (False, True):
            times[url][cold].append(one(url, cold))
floor = statistics.median(times["/healthz/"][False])
for label, url in pages:
    warm, cold = (statistics.median(times[url][c]) for c in (False, True))
    n, size = queries(url)
    print(
        f"| {label} | {warm:.1f} | {warm / floor:.0f}× | {cold:.1f} | {cold / floor:.0f}× "
        f"| {size / 1024:.0f} | {n} |"
    )
