"""What a large review prints instead of one row per commune (docs/reports.md, "Large reviews").

Above `settings.REPORTS_SUMMARY_THRESHOLD` communes a campaign report presents the communes by
cluster (one row per cluster: communes, levels, average criteria, villages at standard, growth,
the cluster's leader), the number of communes meeting each national criterion, the top and
bottom communes, and the communes that need mention: those that fell back since the year before,
those below the level they registered for, those without results for the year. Every commune's
row goes to the Excel annex (`reports.annex`), which the PDF names with its SHA-256.

Everything here works on the figures `reports.content` has already gathered (one pass over the
communes), plus two small queries (the year before's results, the registrations).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings

from campaigns.models import NtmLevel, NtmStatus, Registration
from units.models import UnitKind

if TYPE_CHECKING:
    from .content import CommuneFigures, Scope

#: Rows of a "communes that need mention" table printed in the PDF; the full list is a sheet of
#: the Excel annex.
MENTION_LIMIT = 20
#: Communes named at the top and at the bottom.
TOP = 10
#: The annex's name in the PDF (body and annex list), as the brief of the review asks.
ANNEX_NAME = "Phụ lục chi tiết từng xã (tệp Excel kèm theo)"
NO_CLUSTER = "Chưa xếp cụm"


def summary_threshold() -> int:
    return int(getattr(settings, "REPORTS_SUMMARY_THRESHOLD", 60))


def pdf_max_rows() -> int:
    return int(getattr(settings, "REPORTS_PDF_MAX_ROWS", 400))


def _rank(level: str) -> int:
    from .content import LEVEL_RANK

    return LEVEL_RANK.get(NtmLevel(level), 0) if level in NtmLevel.values else 0


def natural_key(text: str) -> list[Any]:
    """ "Cụm thi đua số 2" before "Cụm thi đua số 10"."""
    return [int(part) if part.isdecimal() else part.lower() for part in re.split(r"(\d+)", text)]


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


@dataclass
class ClusterRow:
    name: str
    communes: int = 0
    standard: int = 0  # NTM or above
    advanced: int = 0
    model: int = 0
    criteria_total: int = 0
    villages: int = 0
    villages_standard: int = 0
    growths: list[float] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)

    def as_row(self) -> list[Any]:
        average = round(self.criteria_total / self.communes, 1) if self.communes else ""
        share = round(100 * self.villages_standard / self.villages, 1) if self.villages else ""
        growth = _mean(self.growths)
        return [
            self.name,
            self.communes,
            self.standard,
            self.advanced,
            self.model,
            average,
            share,
            "—" if growth is None else growth,
            ", ".join(self.leaders),
        ]


def cluster_rows(
    scope: Scope, figures: list[CommuneFigures], ranked: list[tuple[str, int, CommuneFigures]]
) -> tuple[list[list[Any]], list[Any]]:
    """One row per cluster (clusters by name, communes without a cluster last) and the total."""
    from .content import _village_levels

    villages = _village_levels(scope)
    rows: dict[str, ClusterRow] = {}
    total = ClusterRow("Toàn địa bàn")
    for f in figures:
        row = rows.setdefault(f.cluster, ClusterRow(f.cluster))
        levels = villages.get(f.unit.pk, {}).get(f.as_of, [])
        standard = sum(lv in (NtmLevel.NTM, NtmLevel.MODEL) for lv in levels)
        for target in (row, total):
            target.communes += 1
            target.standard += f.level != NtmLevel.NONE
            target.advanced += f.level == NtmLevel.ADVANCED
            target.model += f.level == NtmLevel.MODEL
            target.criteria_total += f.count or 0
            target.villages += len(levels)
            target.villages_standard += standard
            if f.growth is not None:
                target.growths.append(f.growth)
    for cluster, rank, f in ranked:
        if rank == 1 and cluster in rows:
            rows[cluster].leaders.append(f.unit.name)
    ordered = sorted(rows.values(), key=lambda r: (r.name == NO_CLUSTER, natural_key(r.name)))
    body = [[i, *r.as_row()] for i, r in enumerate(ordered, start=1)]
    # The column is headed "Cụm thi đua": "Cụm thi đua số 12" prints "Số 12" (one line, not two,
    # over hundreds of clusters) when every cluster is named that way.
    prefix = "Cụm thi đua "
    if body and all(row[1].startswith(prefix) and row[1] != prefix for row in body):
        for line in body:
            rest = line[1][len(prefix) :]
            line[1] = rest[:1].upper() + rest[1:]
    footer = ["", *total.as_row()]
    footer[-1] = ""
    return body, footer


CLUSTER_COLUMNS = [
    "STT",
    "Cụm thi đua",
    "Số xã",
    "Xã đạt chuẩn NTM trở lên",
    "Trong đó: NTM nâng cao",
    "Trong đó: NTM kiểu mẫu",
    "Số tiêu chí bình quân/xã",
    "Tỷ lệ thôn đạt chuẩn (%)",
    "Mức tăng bình quân (tiêu chí/năm)",
    "Xã dẫn đầu cụm",
]


def criteria_rows(scope: Scope, figures: list[CommuneFigures]) -> list[list[Any]]:
    """Per national criterion: how many communes meet it, and their share."""
    criteria_set = scope.campaign.ntm_criterion_set
    named = (
        list(criteria_set.criteria.order_by("number").values_list("number", "name"))
        if criteria_set
        else [(n, f"Tiêu chí số {n}") for n in range(1, 20)]
    )
    counts: dict[int, int] = defaultdict(int)
    for f in figures:
        for number in f.met:
            counts[number] += 1
    n = len(figures)
    return [
        [
            number,
            name,
            counts.get(number, 0),
            round(100 * counts.get(number, 0) / n, 1) if n else "",
        ]
        for number, name in named
    ]


def _year_before(scope: Scope) -> dict[int, tuple[str, int]]:
    """commune id → (level, criteria met) in the year before the report's year."""
    from .content import _communes, _statuses

    before = scope.year - 1
    if before in scope.years:
        return {
            unit_id: (s["level"], s["count"])
            for (unit_id, year), s in _statuses(scope).items()
            if year == before
        }
    ids = [u.pk for u in _communes(scope)]
    return {
        unit_id: (level, count)
        for unit_id, level, count in NtmStatus.objects.filter(
            unit_id__in=ids, year=before
        ).values_list("unit_id", "level", "criteria_met_count")
    }


def _pledges(scope: Scope) -> dict[int, str]:
    """commune id → the level it registered to reach in the report's year."""
    return dict(
        Registration.objects.filter(
            campaign=scope.campaign, year=scope.year, unit__kind=UnitKind.COMMUNE
        )
        .exclude(target_level="")
        .values_list("unit_id", "target_level")
    )


@dataclass
class Mention:
    """A list of communes the review names: its heading sentence, columns and every row (the
    PDF prints the first MENTION_LIMIT, the annex all of them)."""

    key: str
    title: str
    sheet: str
    columns: list[str]
    rows: list[list[Any]]
    sentence: str
    center: tuple[int, ...] = ()


def mentions(scope: Scope, figures: list[CommuneFigures]) -> list[Mention]:
    from .content import LEVEL_SHORT, _communes

    year = scope.year
    short = LEVEL_SHORT
    current = [f for f in figures if f.as_of == year]
    result = []

    def growth(f: CommuneFigures) -> float:
        return f.growth if f.growth is not None else 0.0

    common = ["STT", "Xã", "Cụm thi đua", f"Số tiêu chí đạt năm {year}", "Mức đạt chuẩn"]
    top = sorted(current, key=lambda f: (-(f.count or 0), -growth(f), f.unit.name))[:TOP]
    result.append(
        Mention(
            "top",
            f"Các xã dẫn đầu về số tiêu chí đạt năm {year}",
            "Xã dẫn đầu",
            [*common, "Mức tăng bình quân (tiêu chí/năm)"],
            [
                [i, f.label, f.cluster, f.count, short.get(f.level, f.level), _growth_cell(f)]
                for i, f in enumerate(top, start=1)
            ],
            "",
            center=(4,),
        )
    )
    bottom = sorted(current, key=lambda f: ((f.count or 0), growth(f), f.unit.name))[:TOP]
    result.append(
        Mention(
            "bottom",
            f"Các xã có số tiêu chí đạt thấp nhất năm {year}",
            "Xã thấp nhất",
            [*common, "Mức tăng bình quân (tiêu chí/năm)"],
            [
                [i, f.label, f.cluster, f.count, short.get(f.level, f.level), _growth_cell(f)]
                for i, f in enumerate(bottom, start=1)
            ],
            "",
            center=(4,),
        )
    )

    before = _year_before(scope)
    falling = []
    for f in current:
        prev = before.get(f.unit.pk)
        if prev is None:
            continue
        level, count = prev
        if _rank(f.level) < _rank(level) or (f.count or 0) < (count or 0):
            falling.append((f, level, count))
    falling.sort(
        key=lambda item: (
            _rank(item[0].level) - _rank(item[1]),
            (item[0].count or 0) - (item[2] or 0),
            item[0].unit.name,
        )
    )
    result.append(
        Mention(
            "falling",
            f"Các xã giảm mức đạt chuẩn hoặc số tiêu chí đạt so với năm {year - 1}",
            f"Xã giảm so với năm {year - 1}",
            [
                "STT",
                "Xã",
                "Cụm thi đua",
                f"Số tiêu chí năm {year - 1}",
                f"Số tiêu chí năm {year}",
                f"Mức đạt chuẩn năm {year - 1}",
                f"Mức đạt chuẩn năm {year}",
            ],
            [
                [i, f.label, f.cluster, count, f.count, short.get(level, level), short[f.level]]
                for i, (f, level, count) in enumerate(falling, start=1)
            ],
            f"{len(falling)} xã giảm mức đạt chuẩn hoặc số tiêu chí đạt so với năm {year - 1}"
            if falling
            else f"Không có xã nào giảm mức đạt chuẩn hoặc số tiêu chí đạt so với năm {year - 1}",
            center=(5, 6),
        )
    )

    pledges = _pledges(scope)
    if pledges:
        below = [
            (f, pledges[f.unit.pk])
            for f in current
            if f.unit.pk in pledges and _rank(f.level) < _rank(pledges[f.unit.pk])
        ]
        below.sort(key=lambda item: (item[0].cluster, item[0].unit.name))
        result.append(
            Mention(
                "below_pledge",
                f"Các xã chưa đạt mức đăng ký thi đua năm {year}",
                "Xã chưa đạt mức đăng ký",
                ["STT", "Xã", "Cụm thi đua", "Mức đăng ký", "Mức đạt", "Số tiêu chí đạt"],
                [
                    [i, f.label, f.cluster, short.get(p, p), short[f.level], f.count]
                    for i, (f, p) in enumerate(below, start=1)
                ],
                f"{len(below)}/{len(pledges)} xã đăng ký mức đạt chuẩn năm {year} chưa đạt "
                "mức đã đăng ký"
                if below
                else f"Cả {len(pledges)} xã đăng ký mức đạt chuẩn năm {year} đều đạt mức đã "
                "đăng ký",
                center=(3, 4),
            )
        )

    reported = {f.unit.pk: f for f in figures}
    missing = []
    for unit in _communes(scope):
        if unit.valid_to is not None and unit.valid_to < scope.period_end:
            continue  # merged away during the year: no results are due
        found = reported.get(unit.pk)
        if found is None or found.as_of != year:
            missing.append(
                (
                    unit,
                    found.cluster if found else (unit.cluster.name if unit.cluster else NO_CLUSTER),
                    found.as_of if found else None,
                )
            )
    missing.sort(key=lambda item: (item[1], item[0].name))
    result.append(
        Mention(
            "missing",
            f"Các xã chưa có số liệu kết quả năm {year}",
            f"Xã chưa có số liệu {year}",
            ["STT", "Xã", "Cụm thi đua", "Năm có số liệu gần nhất"],
            [
                [i, unit.name, cluster, str(as_of) if as_of else "Chưa có"]
                for i, (unit, cluster, as_of) in enumerate(missing, start=1)
            ],
            f"{len(missing)} xã chưa có số liệu kết quả năm {year} trên hệ thống"
            if missing
            else f"Tất cả các xã đều đã có số liệu kết quả năm {year}",
            center=(3,),
        )
    )
    return result


def _growth_cell(f: CommuneFigures) -> Any:
    return f.growth if f.growth is not None else "—"
