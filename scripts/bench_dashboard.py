"""Times the dashboard and the pages that share its figures (target progress, the units needing
attention), warm and cold — cold is the first request after `figures_cache.bump()`, as after any
write — with /healthz/ timed in the same loop; median of REQUESTS requests. In-process (Django
test client, DEBUG off) like scripts/bench.py, whose collected static files it needs:

    DATABASE_URL=postgres://…/<a copy of bench3300> SECRET_KEY=x python scripts/bench_dashboard.py

PAGES=url,url,… replaces the pages; BENCH_CAMPAIGN names the campaign (gen-1)."""

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
from portal import figures_cache  # noqa: E402
from portal.models import RoleGrant, User  # noqa: E402
from portal.roles import Role  # noqa: E402

settings.DEBUG = False
settings.SECURE_SSL_REDIRECT = False
settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
REQUESTS = int(os.environ.get("REQUESTS", "15"))
code = os.environ.get("BENCH_CAMPAIGN", "gen-1")
year = Campaign.objects.get(code=code).end_year
user, _ = User.objects.get_or_create(
    username="bench-chairman", defaults={"full_name": "Đo hiệu năng"}
)
RoleGrant.objects.get_or_create(user=user, role=Role.CHAIRMAN)
client = Client()
client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
pages = [
    f"/?campaign={code}&year={year}",
    f"{reverse('rankings:targets', args=[code])}?year={year}",
    f"{reverse('attention')}?year={year}",
]
if os.environ.get("PAGES"):
    pages = os.environ["PAGES"].split(",")


def timed(url: str):
    start = time.perf_counter()
    response = client.get(url)
    return (time.perf_counter() - start) * 1000, response


def queries(url: str, *, cold: bool):
    """(query count, response) of one request, after a bump when `cold`."""
    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    if cold:
        figures_cache.bump()
    with connection.execute_wrapper(count):
        _, response = timed(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(executed), response


for _ in range(3):
    timed("/healthz/")
print("| page | warm ms | cold ms | × healthz warm / cold | KB | queries warm / cold |")
print("|---|---:|---:|---:|---:|---:|")
for url in pages:
    for _ in range(2):
        timed(url)
    cold_queries, _ = queries(url, cold=True)
    warm_queries, response = queries(url, cold=False)
    warm, cold, floor = [], [], []
    for _ in range(REQUESTS):
        floor.append(timed("/healthz/")[0])
        warm.append(timed(url)[0])
        figures_cache.bump()
        cold.append(timed(url)[0])
    h, w, c = statistics.median(floor), statistics.median(warm), statistics.median(cold)
    print(
        f"| {url} | {w:.1f} | {c:.1f} | {w / h:.1f}× / {c / h:.1f}× (healthz {h:.1f} ms) "
        f"| {len(response.content) / 1024:.0f} | {warm_queries} / {cold_queries} |"
    )
