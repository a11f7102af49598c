"""python manage.py generate_dataset --communes N --villages-per-commune V --people P
--years 2021-2025 --seed S

A synthetic, province-sized data set for benchmarks (DESIGN.md): communes in clusters of ten
with their villages, departments and organisations in blocs, people, and for every year NTM
status (with the criteria met), assessments with scored items, and contributions. Every row is
marked `is_sample`; codes carry the seed (``G<seed>-…``), so one seed is generated once: running
again with the same seed changes nothing (it says so), another seed adds a second set.
Rows are written with bulk_create (no per-row history), in one transaction.
"""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from campaigns.cycle.risk import refresh_all
from campaigns.demo import _ntm_criteria
from campaigns.models import (
    Assessment,
    AssessmentItem,
    AssessmentStatus,
    Campaign,
    CampaignStatus,
    Contribution,
    ContributorKind,
    CriteriaSet,
    CriteriaSetStatus,
    Criterion,
    Milestone,
    MilestoneKind,
    NtmLevel,
    NtmStatus,
    Target,
    TargetGroup,
    TargetMetric,
    ValueType,
)
from campaigns.results.derived import lost_facts, met_bits
from units.models import (
    Authority,
    AuthorityLevel,
    Cluster,
    ClusterKind,
    Person,
    PersonKind,
    Unit,
    UnitKind,
)

BATCH = 2000
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Đức", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hà", "Hải", "Hạnh", "Khánh", "Lan", "Long", "Nam", "Yến"]
PLACES = ["Phổ", "Tịnh", "Bình", "Nghĩa", "Đức", "Hành", "Sơn", "Ba", "Trà", "Minh"]
PLACE2 = ["An", "Thạnh", "Hòa", "Phong", "Thuận", "Lợi", "Tân", "Hiệp", "Long", "Mỹ", "Khánh"]
ORG_KINDS = [UnitKind.DEPARTMENT] * 8 + [UnitKind.MASS_ORGANISATION, UnitKind.FATHERLAND_FRONT]
ORG_NAMES = {
    UnitKind.DEPARTMENT: "Phòng",
    UnitKind.MASS_ORGANISATION: "Hội",
    UnitKind.FATHERLAND_FRONT: "Ủy ban MTTQ",
}


def _years(text: str) -> list[int]:
    try:
        a, _, b = text.partition("-")
        lo, hi = int(a), int(b or a)
    except ValueError as exc:
        raise CommandError("--years phải có dạng 2021-2025.") from exc
    if not (2000 <= lo <= hi <= 2100):
        raise CommandError("--years phải là một khoảng năm hợp lệ, ví dụ 2021-2025.")
    return list(range(lo, hi + 1))


class Command(BaseCommand):
    help = "Tạo bộ dữ liệu tổng hợp cỡ một tỉnh để đo hiệu năng (đánh dấu là dữ liệu mẫu)."

    def add_arguments(self, parser):
        parser.add_argument("--communes", type=int, default=200)
        parser.add_argument("--villages-per-commune", type=int, default=10)
        parser.add_argument("--organisations", type=int, default=60)
        parser.add_argument("--people", type=int, default=20000)
        parser.add_argument("--years", default="2021-2025")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **o):
        years = _years(o["years"])
        seed = o["seed"]
        code = f"gen-{seed}"
        if Campaign.objects.filter(code=code).exists():
            self.stdout.write(
                f"Bộ dữ liệu seed {seed} đã có (phong trào {code}); không tạo lại. "
                "Dùng --seed khác để tạo thêm một bộ."
            )
            return
        if min(o["communes"], o["villages_per_commune"], o["people"], o["organisations"]) < 0:
            raise CommandError("Các số lượng không được âm.")
        started = time.monotonic()
        with transaction.atomic():
            counts = self._generate(random.Random(seed), seed, code, years, o)
        if connection.vendor == "postgresql":
            # Fresh bulk-loaded tables have no statistics until autovacuum comes by; without
            # them the planner picks nested loops over thousands of rows.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        took = time.monotonic() - started
        summary = ", ".join(f"{k}: {v}" for k, v in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Đã tạo bộ dữ liệu seed {seed} ({took:.1f} s): {summary}.")
        )

    def _generate(self, rnd: random.Random, seed: int, code: str, years, o) -> dict[str, int]:
        prefix = f"G{seed}"
        ntm_set = _ntm_criteria()
        criteria = list(ntm_set.criteria.order_by("number"))
        campaign = Campaign.objects.create(
            code=code,
            title=f"Phong trào thi đua tổng hợp số {seed} (dữ liệu đo hiệu năng)",
            issuing_body="Ủy ban nhân dân tỉnh (dữ liệu tổng hợp)",
            authority=Authority.objects.get_or_create(
                code=f"{code}-UBND"[:64],
                defaults={
                    "level": AuthorityLevel.PROVINCE,
                    "body": "Ủy ban nhân dân tỉnh (dữ liệu tổng hợp)",
                    "place": "Tổng hợp",
                    "signer_name": "Người ký (dữ liệu tổng hợp)",
                    "valid_from": datetime.date(years[0], 1, 1),
                    "is_sample": True,
                },
            )[0],
            start_year=years[0],
            end_year=years[-1],
            status=CampaignStatus.DRAFT,
            ntm_criterion_set=ntm_set,
            is_sample=True,
        )
        Target.objects.bulk_create(
            [
                Target(
                    campaign=campaign,
                    title="Xã đạt chuẩn NTM nâng cao",
                    metric=TargetMetric.COMMUNES_ADVANCED_OR_BETTER,
                    min_value=20,
                    max_value=40,
                    by_year=years[-1],
                    order=1,
                ),
                Target(
                    campaign=campaign,
                    title="Xã đạt chuẩn NTM kiểu mẫu",
                    metric=TargetMetric.COMMUNES_MODEL,
                    min_value=5,
                    max_value=10,
                    by_year=years[-1],
                    order=2,
                ),
                Target(
                    campaign=campaign,
                    title="Giữ vững các tiêu chí đã đạt",
                    metric=TargetMetric.CRITERIA_KEPT,
                    by_year=years[-1],
                    order=3,
                ),
            ]
        )
        for y in years:
            Milestone.objects.create(
                campaign=campaign,
                kind=MilestoneKind.YEARLY_REPORT,
                title=f"Hạn báo cáo kết quả năm {y}",
                year=y,
                due_date=f"{y}-11-30",
            )
        n_communes, n_orgs = o["communes"], o["organisations"]
        clusters = Cluster.objects.bulk_create(
            [
                Cluster(
                    code=f"{prefix}-CUM{i:03d}",
                    name=f"Cụm thi đua số {i} ({prefix})",
                    kind=ClusterKind.CLUSTER,
                    is_sample=True,
                )
                for i in range(1, (n_communes + 9) // 10 + 1)
            ]
            + [
                Cluster(
                    code=f"{prefix}-KHOI{i:03d}",
                    name=f"Khối thi đua số {i} ({prefix})",
                    kind=ClusterKind.BLOC,
                    is_sample=True,
                )
                for i in range(1, (n_orgs + 9) // 10 + 1)
            ]
        )
        cums = [c for c in clusters if c.kind == ClusterKind.CLUSTER]
        khois = [c for c in clusters if c.kind == ClusterKind.BLOC]
        communes = Unit.objects.bulk_create(
            [
                Unit(
                    code=f"{prefix}-X{i:04d}",
                    name=f"Xã {rnd.choice(PLACES)} {rnd.choice(PLACE2)} {i}",
                    kind=UnitKind.COMMUNE,
                    cluster=cums[(i - 1) // 10],
                    is_sample=True,
                )
                for i in range(1, n_communes + 1)
            ],
            batch_size=BATCH,
        )
        villages = Unit.objects.bulk_create(
            [
                Unit(
                    code=f"{c.code}-T{j:02d}",
                    name=f"Thôn {rnd.choice(PLACE2)} {j}",
                    kind=UnitKind.VILLAGE,
                    parent=c,
                    is_sample=True,
                )
                for c in communes
                for j in range(1, o["villages_per_commune"] + 1)
            ],
            batch_size=BATCH,
        )
        orgs = Unit.objects.bulk_create(
            [
                Unit(
                    code=f"{prefix}-PB{k:03d}",
                    name=f"{ORG_NAMES[ORG_KINDS[k % 10]]} tổng hợp số {k}",
                    kind=ORG_KINDS[k % 10],
                    cluster=khois[(k - 1) // 10],
                    is_sample=True,
                )
                for k in range(1, n_orgs + 1)
            ],
            batch_size=BATCH,
        )
        everyone = communes + orgs
        Person.objects.bulk_create(
            [
                Person(
                    full_name=f"{rnd.choice(SURNAMES)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}",
                    kind=rnd.choice(PersonKind.values),
                    birth_year=rnd.randint(1960, 2000),
                    affiliation=rnd.choice(everyone) if everyone else None,
                    is_sample=True,
                )
                for _ in range(o["people"])
            ],
            batch_size=BATCH,
        )
        # NTM status: criteria grow by 0–3 a year, now and then one is lost.
        statuses: list[NtmStatus] = []
        met_sets: list[list[int]] = []
        level_for = {}
        for c in communes:
            met = set(rnd.sample(range(19), rnd.randint(8, 17)))
            level = NtmLevel.NONE
            first_row = len(statuses)
            for y in years:
                if y != years[0]:
                    for _ in range(rnd.randint(0, 3)):
                        missing = [k for k in range(19) if k not in met]
                        if missing:
                            met.add(rnd.choice(missing))
                    if met and rnd.random() < 0.08:
                        met.discard(rnd.choice(sorted(met)))
                if len(met) == 19:
                    step = rnd.random()
                    order = [NtmLevel.NTM, NtmLevel.ADVANCED, NtmLevel.MODEL]
                    if level == NtmLevel.NONE:
                        level = NtmLevel.NTM
                    elif step < 0.3 and level != NtmLevel.MODEL:
                        level = order[order.index(level) + 1]
                level_for[(c.pk, y)] = level
                statuses.append(
                    NtmStatus(
                        unit=c,
                        year=y,
                        level=level if len(met) == 19 else NtmLevel.NONE,
                        criteria_met_count=len(met),
                        is_sample=True,
                    )
                )
                met_sets.append(sorted(met))
            # The derived lost-criteria columns (campaigns.results.derived), as a save fills them.
            mine = statuses[first_row:]
            facts = lost_facts(
                {
                    s.year: {criteria[k].number for k in ks}
                    for s, ks in zip(mine, met_sets[first_row:], strict=True)
                }
            )
            for s, ks in zip(mine, met_sets[first_row:], strict=True):
                s.criteria_lost, s.criteria_lost_latest = facts[s.year]
                s.criteria_met_bits = met_bits(criteria[k].number for k in ks)
        for v in villages:
            ntm = False
            for y in years:
                ntm = ntm or rnd.random() < 0.3
                level = (
                    NtmLevel.MODEL
                    if ntm and rnd.random() < 0.15
                    else (NtmLevel.NTM if ntm else NtmLevel.NONE)
                )
                statuses.append(NtmStatus(unit=v, year=y, level=level, is_sample=True))
        created = NtmStatus.objects.bulk_create(statuses, batch_size=BATCH)
        through = NtmStatus.criteria_met.through
        through.objects.bulk_create(
            [
                through(ntmstatus_id=s.pk, ntmcriterion_id=criteria[k].pk)
                for s, met in zip(created, met_sets, strict=False)
                for k in met
            ],
            batch_size=BATCH * 5,
        )
        # Assessments (organisations: group a; communes: group b), ten criteria each.
        sets = {}
        for group, units in ((TargetGroup.ORGANISATIONS, orgs), (TargetGroup.COMMUNES, communes)):
            cs = CriteriaSet.objects.create(
                campaign=campaign,
                target_group=group,
                name=f"Bộ tiêu chí {group.label}",
                status=CriteriaSetStatus.IN_USE,
            )
            crits = Criterion.objects.bulk_create(
                [
                    Criterion(
                        criteria_set=cs,
                        number=n,
                        text=f"Tiêu chí chấm điểm số {n}",
                        value_type=ValueType.SCORE,
                        max_points=Decimal(10),
                    )
                    for n in range(1, 11)
                ]
            )
            sets[group] = (cs, crits, units)
        assessments, plans = [], []
        for cs, crits, units in sets.values():
            for u in units:
                for y in years:
                    last = y == years[-1]
                    status = (
                        rnd.choice(
                            [
                                AssessmentStatus.DRAFT,
                                AssessmentStatus.SUBMITTED,
                                AssessmentStatus.RETURNED,
                                AssessmentStatus.APPROVED,
                            ]
                        )
                        if last
                        else AssessmentStatus.APPROVED
                    )
                    assessments.append(
                        Assessment(
                            campaign=campaign,
                            unit=u,
                            year=y,
                            criteria_set=cs,
                            status=status,
                            is_sample=True,
                        )
                    )
                    plans.append(crits)
        assessments = Assessment.objects.bulk_create(assessments, batch_size=BATCH)
        items = []
        for a, crits in zip(assessments, plans, strict=False):
            for cr in crits:
                self_score = Decimal(rnd.randint(5, 10))
                reviewed = a.status == AssessmentStatus.APPROVED and rnd.random() < 0.9
                items.append(
                    AssessmentItem(
                        assessment=a,
                        criterion=cr,
                        self_score=self_score,
                        reviewer_score=max(Decimal(0), self_score - rnd.randint(0, 2))
                        if reviewed
                        else None,
                    )
                )
        AssessmentItem.objects.bulk_create(items, batch_size=BATCH * 2)
        # Bulk-created rows send no signal: the review queue's risk signals, scored at once.
        refresh_all(Assessment.objects.filter(campaign=campaign))
        contributions = [
            Contribution(
                campaign=campaign,
                year=y,
                commune=c,
                contributor=f"Nhân dân thôn {rnd.choice(PLACE2)}",
                contributor_kind=rnd.choice(
                    [
                        ContributorKind.PEOPLE,
                        ContributorKind.ENTERPRISE,
                        ContributorKind.OUTSIDE_DONOR,
                    ]
                ),
                money_vnd=Decimal(rnd.randint(5, 500) * 1_000_000),
                work_days=Decimal(rnd.randint(0, 400)),
                land_m2=Decimal(rnd.randint(0, 2000)),
                is_sample=True,
            )
            for c in communes
            for y in years
            for _ in range(3)
        ]
        Contribution.objects.bulk_create(contributions, batch_size=BATCH)
        return {
            "xã": len(communes),
            "thôn": len(villages),
            "phòng ban, đoàn thể": len(orgs),
            "cá nhân": o["people"],
            "kết quả NTM": len(created),
            "bản tự đánh giá": len(assessments),
            "tiêu chí chấm": len(items),
            "đóng góp": len(contributions),
        }
