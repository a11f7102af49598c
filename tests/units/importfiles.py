"""Files for the units importer tests: builders and a database snapshot."""

from __future__ import annotations

import csv
import io
import unicodedata

from portal.dataexchange import write_xlsx
from units.importers import COLUMNS
from units.models import Cluster, Unit

# A well-formed file of another district (huyện Mộ Đức, Quảng Ngãi): communes, villages, a khối.
# Villages come before their communes on purpose: a parent may be defined later in the file.
MO_DUC = [
    ("MD-DN-T1", "Thôn Phước Thịnh", "village", "MD-DUC-NHUAN", ""),
    ("MD-DN-T2", "Thôn Vinh Phú", "village", "MD-DUC-NHUAN", ""),
    ("MD-DUC-NHUAN", "Xã Đức Nhuận", "commune", "", "Cụm thi đua các xã Mộ Đức"),
    ("MD-DUC-LOI", "Xã Đức Lợi", "commune", "", "Cụm thi đua các xã Mộ Đức"),
    ("MD-DL-T1", "Thôn Kỳ Tân", "village", "MD-DUC-LOI", ""),
    ("MD-DL-T2", "Thôn An Chuẩn", "village", "MD-DUC-LOI", ""),
    ("MD-DUC-THANG", "Xã Đức Thắng", "commune", "", "Cụm thi đua các xã Mộ Đức"),
    ("MD-DT-T1", "Thôn Lâm Thượng", "village", "MD-DUC-THANG", ""),
    (
        "MD-MTTQ",
        "Ủy ban MTTQ Việt Nam huyện Mộ Đức",
        "fatherland_front",
        "",
        "Khối Mặt trận Mộ Đức",
    ),
    ("MD-HND", "Hội Nông dân huyện Mộ Đức", "mass_organisation", "", "Khối Mặt trận Mộ Đức"),
    ("MD-PNN", "Phòng Nông nghiệp và PTNT huyện Mộ Đức", "department", "", ""),
    ("MD-HTX-DN", "HTX Nông nghiệp Đức Nhuận", "cooperative", "MD-DUC-NHUAN", ""),
]


def csv_bytes(
    rows, *, header=COLUMNS, delimiter: str = ",", bom: bool = False, encoding: str = "utf-8"
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    data = _cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def _cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: letters with ˆ ˘ ơ ư precomposed, tone marks combining."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            for mark in [m for m in marks if m in "\u0302\u0306\u031b"]:
                base = unicodedata.normalize("NFC", base + mark)
                marks.remove(mark)
            out += (base + "".join(marks)).encode("cp1258")
    return bytes(out)


def xlsx_bytes(rows, *, header=COLUMNS) -> bytes:
    return write_xlsx(list(header), rows)


def snapshot() -> tuple:
    """Everything an import could change: rows, their values, and history rows."""
    return (
        sorted(
            Unit.objects.values_list(
                "code", "name", "kind", "parent__code", "cluster__code", "updated_at"
            )
        ),
        sorted(Cluster.objects.values_list("code", "name", "kind")),
        Unit.history.count(),
        Cluster.history.count(),
    )
