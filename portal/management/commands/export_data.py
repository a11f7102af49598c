"""python manage.py export_data KIND FILE [--year Y] [--campaign CODE] — write a table out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.dataexchange import EXPORTERS, write_csv, write_xlsx


class Command(BaseCommand):
    help = "Xuất dữ liệu ra tệp .xlsx (hoặc .csv) với đúng các cột của mẫu nhập."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="Loại dữ liệu: " + ", ".join(sorted(EXPORTERS)))
        parser.add_argument("file", help="Tệp kết quả (.xlsx hoặc .csv)")
        parser.add_argument("--year", type=int, help="Năm (với các bảng theo năm)")
        parser.add_argument("--campaign", help="Mã phong trào (tùy chọn)")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        if kind not in EXPORTERS:
            raise CommandError(
                f"Không có loại dữ liệu “{kind}”. Các loại: {', '.join(sorted(EXPORTERS))}."
            )
        exporter = EXPORTERS[kind]()
        extra = {k: options[k] for k in ("year", "campaign") if options.get(k) is not None}
        try:
            rows = list(exporter.export_rows(**extra))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        path = Path(options["file"])
        if path.suffix.lower() == ".csv":
            path.write_bytes(write_csv(exporter.columns, rows))
        else:
            path.write_bytes(write_xlsx(exporter.columns, rows, sheet_title=kind))
        self.stdout.write(self.style.SUCCESS(f"Đã xuất {len(rows)} dòng ra {path}."))
