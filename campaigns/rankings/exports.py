"""Excel exports of every ranking and table (Vietnamese headers, number formats, frozen
header via portal.web.xlsx_download) and the `commune_results` exporter (DESIGN.md).

The ranking and the criteria table have a row per commune of every cluster (3,300 at national
scale): they stream (write-only workbook into a temporary file, sent in chunks)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from portal.dataexchange import Column, Exporter, register_exporter, write_xlsx, xlsx_response
from portal.web import xlsx_download

from ..models import Campaign, NtmLevel
from .ranking import BLOC, Ranking, commune_ranking

INT = "0"
PCT1 = "0.0"
DEC2 = "0.00"


def _mv(movement: int | None) -> str:
    if movement is None:
        return "mới xếp hạng"
    if movement > 0:
        return f"▲ {movement}"
    if movement < 0:
        return f"▼ {-movement}"
    return "="


def ranking_columns(ranking: Ranking) -> list[Column]:
    if ranking.kind == BLOC:
        return [
            Column("Khối thi đua", width=34),
            Column("Hạng", INT),
            Column("Mã đơn vị"),
            Column("Tên đơn vị", width=40),
            Column("Năm", INT),
            Column("Tổng điểm được duyệt", DEC2),
            Column("Số tiêu chí có điểm thẩm định", INT),
            Column("Hạng năm trước", INT),
            Column("So với năm trước"),
            Column("Lý do xếp hạng", width=50),
        ]
    cols = [
        Column("Cụm thi đua", width=30),
        Column("Hạng", INT),
        Column("Mã đơn vị"),
        Column("Tên đơn vị", width=30),
        Column("Năm", INT),
        Column("Mức đạt chuẩn", width=26),
        Column("Số tiêu chí đạt", INT),
        Column("Số thôn", INT),
        Column("Số thôn đạt chuẩn NTM trở lên", INT),
        Column("Tỷ lệ thôn đạt chuẩn (%)", PCT1),
        Column("Mức tăng tiêu chí bình quân/năm", DEC2),
    ]
    if ranking.method == "weighted":
        cols.append(Column("Điểm có trọng số", DEC2))
    return [
        *cols,
        Column("Hạng năm trước", INT),
        Column("So với năm trước"),
        Column("Lý do xếp hạng", width=50),
    ]


def ranking_rows(ranking: Ranking) -> Iterable[list[Any]]:
    for r in ranking.rows:
        tail = [r.previous_rank, _mv(r.movement), r.decided_by]
        if ranking.kind == BLOC:
            yield [
                r.cluster_name,
                r.rank,
                r.unit_code,
                r.unit_name,
                r.year,
                float(r.score or 0),
                r.items_scored,
                *tail,
            ]
            continue
        f = r.figures
        row = [
            r.cluster_name,
            r.rank,
            r.unit_code,
            r.unit_name,
            r.year,
            f.level_label,
            f.criteria_met,
            f.villages_total,
            f.villages_ntm,
            f.share_pct,
            f.growth,
        ]
        if ranking.method == "weighted":
            row.append(float(r.score or 0))
        yield [*row, *tail]


def ranking_xlsx(ranking: Ranking):
    what = "khối" if ranking.kind == BLOC else "cụm"
    return xlsx_download(
        f"xep-hang-{ranking.kind}-{ranking.year}.xlsx",
        ranking_columns(ranking),
        ranking_rows(ranking),
        sheet_title=f"Xếp hạng {ranking.year}",
        title=f"Xếp hạng thi đua trong {what} năm {ranking.year}. {ranking.method_text}",
        stream=True,
    )


def publication_xlsx(pub):
    keys = list(pub.rows[0].keys()) if pub.rows else ["cluster", "rank", "unit_code"]
    content = write_xlsx(
        [Column(k) for k in keys],
        ([row.get(k) for k in keys] for row in pub.rows),
        sheet_title=f"Công bố {pub.year}",
        title=f"Bảng xếp hạng đã công bố năm {pub.year} (lần {pub.version}), SHA-256 {pub.sha256}",
    )
    return xlsx_response(f"xep-hang-cong-bo-{pub.kind}-{pub.year}-v{pub.version}.xlsx", content)


def heatmap_xlsx(data: dict):
    cols = [Column("Cụm thi đua", width=28), Column("Xã", width=26), Column("Số tiêu chí đạt", INT)]
    cols += [Column(f"TC {c.number}. {c.name}", width=8) for c in data["criteria"]]
    cols += [Column("Mới đạt", INT), Column("Không còn đạt", INT)]
    rows = (
        [
            r["cluster"],
            r["name"],
            r["count"],
            *[c["symbol"] for c in r["cells"]],
            r["gained"],
            r["lost"],
        ]
        for r in data["rows"]
    )
    return xlsx_download(
        f"tieu-chi-ntm-{data['year']}.xlsx",
        cols,
        rows,
        sheet_title=f"Tiêu chí {data['year']}",
        title=(
            f"Tiêu chí NTM các xã năm {data['year']} so với năm {data['year'] - 1}: "
            "✓ đạt (đã đạt năm trước), + mới đạt, − không còn đạt, · chưa đạt"
        ),
        stream=True,
    )


def targets_xlsx(progress, year: int):
    cols = [
        Column("Chỉ tiêu", width=60),
        Column("Đến năm", INT),
        Column("Khoảng chỉ tiêu"),
        Column(f"Kết quả năm {year}", INT),
        Column("Đánh giá"),
        Column("Đơn vị được tính", width=60),
    ]
    rows = (
        [
            p.target.title,
            p.target.by_year,
            p.range_text or "chưa đặt chỉ tiêu",
            p.value,
            ("Đạt" if p.met else "Chưa đạt") if p.has_goal else "Không tính (chưa đặt chỉ tiêu)",
            "; ".join(str(u) for u in p.units),
        ]
        for p in progress
    )
    content = write_xlsx(cols, rows, sheet_title="Chỉ tiêu", title=f"Tiến độ chỉ tiêu năm {year}")
    return xlsx_response(f"chi-tieu-{year}.xlsx", content)


def unit_years_xlsx(unit, rows, size):
    cols = [
        Column("Năm", INT),
        Column("Mức đạt chuẩn", width=26),
        Column("Số tiêu chí đạt", INT),
        Column("Tỷ lệ thôn đạt chuẩn (%)", PCT1),
        Column("Mức tăng tiêu chí bình quân/năm", DEC2),
        Column("Hạng trong cụm", INT),
        Column("Số xã trong cụm", INT),
    ]
    data = (
        [
            r.year,
            r.figures.level_label,
            r.figures.criteria_met,
            r.figures.share_pct,
            r.figures.growth,
            r.rank,
            size.get(r.year),
        ]
        for r in rows
    )
    content = write_xlsx(
        cols, data, sheet_title="Qua các năm", title=f"{unit.name}: kết quả qua các năm"
    )
    return xlsx_response(f"ket-qua-{unit.code}.xlsx", content)


def cluster_years_xlsx(cluster, years, table):
    cols = [Column("Xã", width=28)]
    for y in years:
        cols += [Column(f"Hạng {y}", INT), Column(f"Số tiêu chí {y}", INT)]
    rows = []
    for line in table:
        row = [line["name"]]
        for cell in line["cells"]:
            row += [cell.rank, cell.figures.criteria_met] if cell else [None, None]
        rows.append(row)
    content = write_xlsx(
        cols, rows, sheet_title="Qua các năm", title=f"{cluster.name}: xếp hạng qua các năm"
    )
    return xlsx_response(f"xep-hang-{cluster.code}.xlsx", content)


# --- export_data commune_results ------------------------------------------------------------------

COMMUNE_RESULTS_COLUMNS = (
    "cluster",
    "rank",
    "unit_code",
    "unit_name",
    "year",
    "level",
    "criteria_met_count",
    "village_share_pct",
    "avg_annual_growth",
)


@register_exporter
class CommuneResultsExporter(Exporter):
    """One row per commune for year Y, ranked within its cluster by the default rule."""

    kind = "commune_results"
    label = "Kết quả và xếp hạng các xã"
    columns: Sequence[str] = COMMUNE_RESULTS_COLUMNS

    def export_rows(self, **options: Any) -> Iterable[Sequence[Any]]:
        year = options.get("year")
        if not year:
            from django.core.management import CommandError

            raise CommandError("Cần chỉ rõ năm: --year Y.")
        code = options.get("campaign")
        campaign: Campaign | None = None
        if code:
            campaign = Campaign.objects.filter(code=code).first()
            if campaign is None:
                from django.core.management import CommandError

                raise CommandError(f"Không có phong trào mã {code}.")
            # The file contract is the *default* rule whatever the campaign's own method.
            campaign.ranking_method = "lexicographic"
        ranking = commune_ranking(int(year), campaign=campaign)
        for r in ranking.rows:
            f = r.figures
            yield [
                r.cluster_name,
                r.rank,
                r.unit_code,
                r.unit_name,
                r.year,
                NtmLevel(f.level).value,
                f.criteria_met,
                f.share_pct,
                f.growth,
            ]


__all__ = ["COMMUNE_RESULTS_COLUMNS", "CommuneResultsExporter"]
