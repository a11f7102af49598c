"""Times the ranking pages one cluster at a time, in-process (Django test Client, DEBUG off):
each page on the first request after a write (`figures_cache.reset()` before it: figures computed
afresh) and on the next ones (figures from the cache), with /healthz/ timed in the same loop;
the Excel files' time and peak Python memory (tracemalloc). Prints a Markdown table.

    DATABASE_URL=postgres://…/copy_of_bench3300 REDIS_URL=redis://…/N \\
        python scripts/bench_rankings.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from campaigns.models import Campaign, NtmStatus  # noqa: E402
from portal import figures_cache  # noqa: E402
from portal.models import RoleGrant, User  # noqa: E402
from portal.roles import Role  # noqa: E402
from units.models import Unit, UnitKind  # noqa: E402

settings.DEBUG = False
settings.SECURE_SSL_REDIRECT = False
settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
REQUESTS = int(os.environ.get("REQUESTS", "20"))
code = os.environ.get("BENCH_CAMPAIGN", "gen-1")
campaign = Campaign.objects.get(code=code)
year = campaign.end_year
user, _ = User.objects.get_or_create(
    username="bench-chairman", defaults={"full_name": "Đo hiệu năng"}
)
RoleGrant.objects.get_or_create(user=user, role=Role.CHAIRMAN)
client = Client()
client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
last = (
    NtmStatus.objects.filter(year=year, unit__kind=UnitKind.COMMUNE)
    .order_by("-unit__cluster__name")
    .values_list("unit__cluster_id", "unit__name")
    .first()
)
base = reverse("rankings:ranking", args=[code])
heat = reverse("rankings:heatmap", args=[code])
q = f"year={year}"
pages = [
    ("Xếp hạng (cụm đầu)", f"{base}?{q}"),
    ("Xếp hạng (?cluster= cụm cuối)", f"{base}?{q}&cluster={last[0]}"),
    ("Xếp hạng (tìm tên xã)", f"{base}?{q}&q={last[1]}"),
    ("Xếp hạng khối", f"{base}?{q}&kind=bloc"),
    ("Bảng tiêu chí (cụm đầu)", f"{heat}?{q}"),
    ("Bảng tiêu chí (?cluster= cụm cuối)", f"{heat}?{q}&cluster={last[0]}"),
]
exports = [
    ("Xếp hạng .xlsx (mọi cụm)", f"{base}?{q}&format=xlsx"),
    ("Bảng tiêu chí .xlsx (mọi cụm)", f"{heat}?{q}&format=xlsx"),
]


def body(response) -> bytes:
    return response.getvalue()


def timed(url: str, *, cold: bool) -> tuple[float, float, int]:
    """(healthz ms, page ms, bytes) for one request of each, in the same loop."""
    start = time.perf_counter()
    assert client.get("/healthz/").status_code == 200
    healthz = (time.perf_counter() - start) * 1000
    if cold:
        figures_cache.reset()
    start = time.perf_counter()
    response = client.get(url)
    size = len(body(response))
    page = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, url
    return healthz, page, size


def run(url: str, *, cold: bool) -> tuple[float, float, int]:
    for _ in range(2):
        timed(url, cold=cold)
    samples = [timed(url, cold=cold) for _ in range(REQUESTS)]
    h = statistics.median(s[0] for s in samples)
    p = statistics.median(s[1] for s in samples)
    return h, p, samples[-1][2]


communes = Unit.objects.filter(kind=UnitKind.COMMUNE).count()
print(f"\n== {connection.vendor} · {communes} xã · năm {year} · {REQUESTS} lượt/trang\n")
print("| Trang | lần đầu sau khi ghi (ms) | × healthz | các lần sau (ms) | × healthz | KB |")
print("|---|---:|---:|---:|---:|---:|")
for label, url in pages:
    hc, pc, size = run(url, cold=True)
    hw, pw, _ = run(url, cold=False)
    print(
        f"| {label} | {pc:.1f} | {pc / hc:.1f}× | {pw:.1f} | {pw / hw:.1f}× | {size / 1024:.0f} |"
    )
print("\n| Tệp Excel | thời gian (ms) | bộ nhớ Python đỉnh (MB) | KB |")
print("|---|---:|---:|---:|")
for label, url in exports:
    client.get(url)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        size = len(body(client.get(url)))
        times.append((time.perf_counter() - start) * 1000)
    tracemalloc.start()
    body(client.get(url))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"| {label} | {statistics.median(times):.0f} | {peak / 2**20:.1f} | {size / 1024:.0f} |")
