"""python manage.py import_data KIND FILE — all-or-nothing import of .xlsx / UTF-8 .csv."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.dataexchange import IMPORTERS, FileRejected, run_import


class Command(BaseCommand):
    help = "Nhập dữ liệu từ tệp .xlsx hoặc .csv (UTF-8). Một dòng lỗi thì không lưu dòng nào."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="Loại dữ liệu: " + ", ".join(sorted(IMPORTERS)))
        parser.add_argument("file", help="Đường dẫn tệp .xlsx hoặc .csv")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không lưu.")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        if kind not in IMPORTERS:
            raise CommandError(
                f"Không có loại dữ liệu “{kind}”. Các loại: {', '.join(sorted(IMPORTERS))}."
            )
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        try:
            plan = run_import(kind, path.read_bytes(), path.name, dry_run=options["dry_run"])
        except FileRejected as exc:
            raise CommandError(str(exc)) from exc
        for note in plan.notes:
            self.stdout.write(note)
        if not plan.ok:
            for error in sorted(plan.errors, key=lambda e: e.line):
                self.stderr.write(str(error))
            if plan.error_count > len(plan.errors):
                self.stderr.write(f"… và {plan.error_count - len(plan.errors)} lỗi khác.")
            raise CommandError(
                f"Tệp có {plan.error_count} lỗi; không dòng nào được lưu. "
                "Sửa các dòng trên rồi nhập lại."
            )
        verb = "Kiểm tra xong (chưa lưu)" if options["dry_run"] else "Đã nhập"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {plan.summary()}."))
