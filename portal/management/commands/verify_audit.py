"""Recompute the audit log's hash chain, check it against the chain heads anchored in signed
PDFs, and report any break (exit status 1)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import import_string

#: The checks, in order: each a function `check(options) -> portal.audit.CheckResult | None`
#: (None: nothing to check with these options). The command fails when any reports a break.
#: A new check is one more line here.
CHECKS = [
    "portal.audit.check_chain",
    "portal.audit_anchor.check_documents",
    # The council's results and public comments, row by row, against what the trail recorded
    # (an edit made with the triggers switched off leaves the chain intact but not this).
    "awards.integrity.check_council",
]


class Command(BaseCommand):
    help = (
        "Kiểm tra chuỗi băm của nhật ký thay đổi; báo sự kiện đầu tiên bị sửa hoặc bị xóa. Với "
        "--pdf hoặc --signed-documents: đối chiếu đầu chuỗi ghi trong từng văn bản đã ký."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--pdf",
            nargs="+",
            action="extend",
            default=[],
            metavar="FILE",
            help="Tệp PDF đã ký (bản lưu ngoài hệ thống) để đối chiếu đầu chuỗi nhật ký.",
        )
        parser.add_argument(
            "--signed-documents",
            action="store_true",
            help="Đối chiếu mọi văn bản đã ký đang lưu trong hệ thống.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        results = [r for path in CHECKS if (r := import_string(path)(options)) is not None]
        elapsed = time.monotonic() - started
        breaks = [brk for result in results for brk in result.breaks]
        for result in results:
            for note in result.notes:
                self.stdout.write(note)
        covered = ", ".join(result.covered for result in results)
        if breaks:
            for brk in breaks:
                where = brk.where or (
                    f"sự kiện #{brk.event_id}" if brk.event_id is not None else "chuỗi"
                )
                self.stderr.write(f"HỎNG {where}: {brk.problem}")
            raise CommandError(f"Nhật ký KHÔNG toàn vẹn: {len(breaks)} chỗ hỏng trong {covered}.")
        summary = "; ".join(result.summary for result in results)
        self.stdout.write(self.style.SUCCESS(f"Nhật ký toàn vẹn: {summary} ({elapsed:.2f} s)."))
