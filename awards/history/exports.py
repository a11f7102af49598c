"""Excel exports of the award history (the columns of the award import, so an export reads
back in) and of the yearly commendation statistics."""

from __future__ import annotations

from collections.abc import Iterable

from portal.dataexchange import Column

from ..models import Award, NomineeKind
from .importers import AwardImporter, recipient_code
from .selectors import by_kind_sections, commendation_statistics

#: The award import's columns: an exported history is a file the import reads back.
AWARD_COLUMNS = AwardImporter.sheet_columns


def award_rows(awards: Iterable[Award]) -> list[list]:
    """One line per award, numbered, in the order given."""
    return [
        [
            i,
            a.recipient_name,
            recipient_code(a),
            NomineeKind(a.nominee_kind).label,
            a.tier.name,
            a.get_category_display(),
            a.year,
            a.decision_number,
            a.decision_date,
            a.campaign.code if a.campaign is not None else "",
        ]
        for i, a in enumerate(awards, start=1)
    ]


STAT_COLUMNS = [
    Column("STT", width=6),
    Column("Danh hiệu thi đua, hình thức khen thưởng", width=50),
    Column("Tổng số"),
    Column("Tập thể"),
    Column("Cá nhân"),
    Column("Hộ gia đình"),
    Column("Trong đó: nữ"),
    Column("Trong đó: người lao động trực tiếp"),
]


def statistics_rows(year: int) -> list[list]:
    """The statistics of `year`: a heading line per part (titles, forms), then one line per
    tier."""
    rows = []
    for section in by_kind_sections(commendation_statistics(year), lambda r: r["tier"].kind):
        rows.append([section["numeral"], section["label"].upper(), *[""] * 6])
        rows.extend(
            [
                i,
                r["tier"].name,
                r["total"],
                r["collective"],
                r["individual"],
                r["household"],
                r["female"],
                r["worker"],
            ]
            for i, r in enumerate(section["rows"], start=1)
        )
    return rows
