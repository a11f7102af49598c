#!/usr/bin/env python
"""Benchmark: the final review for a province-sized data set.

Builds a synthetic data set in its own SQLite file (unless DATABASE_URL is set), then renders the
final review with the same code the Celery task runs, and prints the time spent gathering data
and rendering, and the peak memory (RSS) of the process.

    python scripts/bench_reports.py [--communes 180] [--villages 8] [--repeat 1]

When `manage.py generate_dataset` exists (issue: synthetic data set), it can be used instead; this
script keeps its own small generator so it runs on its own.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/bench_reports.sqlite3")


def build(communes: int, villages: int, seed: int) -> str:
    import datetime

    from campaigns.models import (
        Campaign,
        Contribution,
        ContributorKind,
        NtmCriterion,
        NtmLevel,
        NtmStatus,
    )
    from campaigns.reference import QD318_CODE, ensure_ntm_criteria
    from units.models import Authority, AuthorityLevel, Cluster, ClusterKind, Unit, UnitKind

    code = f"bench-{communes}x{villages}"
    if Campaign.objects.filter(code=code).exists():
        return code
    rng = random.Random(seed)
    ntm_set = ensure_ntm_criteria()[QD318_CODE]  # the reference set `migrate` installs
    criteria = list(NtmCriterion.objects.filter(criterion_set=ntm_set).order_by("number"))
    campaign = Campaign.objects.create(
        code=code,
        title="Phong trào thi đua “Chung sức xây dựng nông thôn mới” (dữ liệu đo hiệu năng)",
        issuing_body="Ủy ban nhân dân tỉnh Thử Nghiệm",
        authority=Authority.objects.get_or_create(
            code=f"{code}-UBND",
            defaults={
                "level": AuthorityLevel.PROVINCE,
                "body": "Ủy ban nhân dân tỉnh Thử Nghiệm",
                "place": "Thử Nghiệm",
                "signer_name": "Nguyễn Văn Đo",
                "recipients": "Bộ Nội vụ\nBan Thi đua-Khen thưởng Trung ương\nLưu: VT",
                "valid_from": datetime.date(2020, 1, 1),
                "is_sample": True,
            },
        )[0],
        start_year=2021,
        end_year=2025,
        preliminary_review_year=2023,
        final_review_year=2025,
        ntm_criterion_set=ntm_set,
        is_sample=True,
    )
    clusters = [
        Cluster.objects.create(
            code=f"{code}-c{i}", name=f"Cụm {code} số {i}", kind=ClusterKind.CLUSTER
        )
        for i in range(max(1, communes // 12))
    ]
    commune_units = Unit.objects.bulk_create(
        Unit(
            code=f"{code}-x{i}",
            name=f"Xã Phước Hòa Đông {i}",
            kind=UnitKind.COMMUNE,
            cluster=clusters[i % len(clusters)],
            is_sample=True,
        )
        for i in range(communes)
    )
    village_units = Unit.objects.bulk_create(
        Unit(
            code=f"{c.code}-t{j}",
            name=f"Thôn Đồng Tâm {j}",
            kind=UnitKind.VILLAGE,
            parent=c,
            is_sample=True,
        )
        for c in commune_units
        for j in range(villages)
    )
    statuses, through = [], []
    levels = [NtmLevel.NONE, NtmLevel.NTM, NtmLevel.ADVANCED, NtmLevel.MODEL]
    met_by = {}
    for c in commune_units:
        count = rng.randint(8, 15)
        for year in range(2021, 2026):
            count = min(19, count + rng.randint(0, 2))
            level = levels[0] if count < 19 else rng.choice(levels[1:])
            statuses.append(
                NtmStatus(unit=c, year=year, level=level, criteria_met_count=count, is_sample=True)
            )
            met_by[(c.pk, year)] = count
    for v in village_units:
        for year in range(2021, 2026):
            statuses.append(
                NtmStatus(
                    unit=v,
                    year=year,
                    level=rng.choice([NtmLevel.NONE, NtmLevel.NTM, NtmLevel.MODEL]),
                    is_sample=True,
                )
            )
    NtmStatus.objects.bulk_create(statuses, batch_size=2000)
    Through = NtmStatus.criteria_met.through
    for status in NtmStatus.objects.filter(
        unit__kind=UnitKind.COMMUNE, unit__code__startswith=code
    ):
        for criterion in criteria[: met_by[(status.unit_id, status.year)]]:
            through.append(Through(ntmstatus_id=status.pk, ntmcriterion_id=criterion.pk))
    Through.objects.bulk_create(through, batch_size=5000)
    Contribution.objects.bulk_create(
        (
            Contribution(
                campaign=campaign,
                year=year,
                commune=c,
                contributor=f"Đóng góp {k}",
                contributor_kind=rng.choice(list(ContributorKind.values)),
                money_vnd=Decimal(rng.randint(1, 500) * 1_000_000),
                work_days=Decimal(rng.randint(0, 300)),
                land_m2=Decimal(rng.randint(0, 900)),
                is_sample=True,
            )
            for c in commune_units
            for year in range(2021, 2026)
            for k in range(3)
        ),
        batch_size=2000,
    )
    return code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--communes", type=int, default=180)
    parser.add_argument("--villages", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--out", default="/tmp/bench_final_review.pdf")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    started = time.perf_counter()
    code = build(args.communes, args.villages, args.seed)
    print(f"data set {code}: built in {time.perf_counter() - started:.1f}s")

    from campaigns.models import Campaign
    from reports import rendering
    from reports.models import Report

    campaign = Campaign.objects.get(code=code)
    for run in range(args.repeat):
        report = Report(campaign=campaign, kind="final_review", year=2025)
        t0, cpu0 = time.perf_counter(), time.process_time()
        rendered = rendering.render_report(report)
        total = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
        Path(args.out).write_bytes(rendered.content)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        share = rendered.gather_seconds / total * 100
        print(
            f"run {run + 1}: {args.communes} communes × {args.villages} villages, "
            f"{rendered.pages} pages, {len(rendered.content) / 1024:.0f} KiB; "
            f"total {total:.1f}s = gather {rendered.gather_seconds:.2f}s ({share:.0f}%) + "
            f"render {rendered.render_seconds:.1f}s ({100 - share:.0f}%); CPU {cpu:.1f}s; "
            f"peak RSS {peak_mb:.0f} MB"
        )


if __name__ == "__main__":
    main()
