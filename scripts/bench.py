"""Times the heavy pages in-process (Django test Client, no network): median and p95 server
time over REQUESTS requests after warm-up, queries per page, and the ratio to a trivial view.
Run by scripts/bench.sh after the data set is loaded; prints a Markdown table."""

from __future__ import annotations

import os
import platform
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
from django.urls import NoReverseMatch, reverse  # noqa: E402

from campaigns.models import Campaign, NtmStatus  # noqa: E402
from portal.models import RoleGrant, User  # noqa: E402
from portal.roles import Role  # noqa: E402
from units.models import Unit, UnitKind  # noqa: E402

# Production-like: no debug cursor, no test instrumentation of template rendering.
settings.DEBUG = False
settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP
settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics for freshly loaded tables
REQUESTS = int(os.environ.get("REQUESTS", "30"))
WARMUP = 3
code = os.environ.get("BENCH_CAMPAIGN", "gen-1")
campaign = Campaign.objects.get(code=code)
year = campaign.end_year
user, _ = User.objects.get_or_create(
    username="bench-chairman", defaults={"full_name": "Đo hiệu năng"}
)
RoleGrant.objects.get_or_create(user=user, role=Role.CHAIRMAN)
client = Client()
client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
commune = Unit.objects.filter(kind=UnitKind.COMMUNE, code__startswith=f"G{code[4:]}-").first()
q = f"campaign={code}&year={year}"

pages: list[tuple[str, str | None, str]] = [
    ("Trang tối thiểu (/healthz/) — mốc so sánh", "/healthz/", ""),
    ("Bảng điều khiển (chủ tịch)", f"/?{q}", ""),
    ("Xếp hạng các xã trong cụm", f"{reverse('rankings:ranking')}?{q}", ""),
    ("Xếp hạng khối (điểm được duyệt)", f"{reverse('rankings:ranking')}?{q}&kind=bloc", ""),
    ("Bảng tiêu chí NTM (heatmap)", f"{reverse('rankings:heatmap')}?{q}", ""),
    ("Tiến độ chỉ tiêu", f"{reverse('rankings:targets')}?{q}", ""),
    ("Xếp hạng xuất Excel", f"{reverse('rankings:ranking')}?{q}&format=xlsx", ""),
    (
        "Khung kết quả của một xã",
        reverse("rankings:commune-panel", args=[commune.pk]) + f"?campaign={code}",
        "",
    ),
]
try:
    pages.append(
        (
            "Trang mức độ hoàn thành",
            f"{reverse('campaigns:completeness', args=[code])}?year={year}",
            "",
        )
    )
except NoReverseMatch:
    pages.append(
        (
            "Trang mức độ hoàn thành",
            None,
            "chưa có trong nhánh này (URL campaigns:completeness) — bỏ qua",
        )
    )


def measure(url: str) -> tuple[float, float, int, int]:
    for _ in range(WARMUP):
        assert client.get(url).status_code == 200, url
    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    # getvalue(): the large Excel exports stream (FileResponse), they have no .content
    return statistics.median(times), p95, len(executed), len(response.getvalue())


communes = Unit.objects.filter(kind=UnitKind.COMMUNE).count()
print(
    f"\n== {connection.vendor} · {communes} xã · {NtmStatus.objects.count()} dòng NTM · "
    f"năm {year} · {REQUESTS} lượt/trang · Python {platform.python_version()} · "
    f"tải máy (1/5/15 phút) {' / '.join(f'{x:.2f}' for x in os.getloadavg())}\n"
)
print("| Trang | Trung vị (ms) | p95 (ms) | Số truy vấn | Dung lượng (KB) | Gấp trang tối thiểu |")
print("|---|---:|---:|---:|---:|---:|")
floor = None
for label, url, note in pages:
    if url is None:
        print(f"| {label} | — | — | — | — | {note} |")
        continue
    med, p95, queries, size = measure(url)
    floor = floor or med
    print(
        f"| {label} | {med:.1f} | {p95:.1f} | {queries} | {size / 1024:.0f} | {med / floor:.1f}× |"
    )
print(f"\nTải máy khi xong (1/5/15 phút): {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
