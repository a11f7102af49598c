"""Excel export of the nomination list (the rows the list's filter keeps,
`portal.web.filtered_export`)."""

from __future__ import annotations

from portal.dataexchange import Column

from ..models import Nomination

NOMINATION_COLUMNS = [
    Column("STT", width=6),
    Column("Đối tượng", width=40),
    Column("Loại"),
    Column("Hình thức, danh hiệu", width=40),
    Column("Đợt xét"),
    Column("Đơn vị đề nghị", width=30),
    Column("Khối, cụm", width=24),
    Column("Trạng thái", width=24),
    Column("Đủ điều kiện"),
]


def nomination_row(i: int, n: Nomination) -> list:
    """One line of the list's export: the nomination `n`, numbered `i`."""
    # A collective's own cluster; a person's, the unit they work in.
    home = n.unit if n.unit is not None else n.person.affiliation if n.person is not None else None
    cluster = home.cluster if home is not None else None
    return [
        i,
        n.recipient_name,
        n.nominee_kind_label,
        n.tier.name,
        n.period_label,
        n.proposer_unit.name,
        cluster.name if cluster else "",
        n.get_status_display(),
        {True: "Có", False: "Không", None: "Chưa rõ"}[n.eligible],
    ]
