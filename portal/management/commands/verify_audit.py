"""Recompute the audit log's hash chain and report any break (exit status 1)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from awards.integrity import check_against_audit
from portal.audit import verify_chain


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm của nhật ký thay đổi; báo sự kiện đầu tiên bị sửa hoặc bị xóa."

    def handle(self, *args, **options):
        started = time.monotonic()
        checked, breaks = verify_chain()
        elapsed = time.monotonic() - started
        # The council's results and public comments, row by row, against what the trail recorded
        # (an edit made with the triggers switched off leaves the chain intact but not this).
        mismatches = check_against_audit()
        for line in mismatches:
            self.stderr.write(f"KHÔNG KHỚP NHẬT KÝ: {line}")
        if mismatches and not breaks:
            raise CommandError(
                f"Dữ liệu KHÔNG khớp nhật ký: {len(mismatches)} chỗ khác biệt "
                f"(chuỗi băm của {checked} sự kiện vẫn khớp)."
            )
        if breaks:
            for brk in breaks:
                where = f"sự kiện #{brk.event_id}" if brk.event_id is not None else "chuỗi"
                self.stderr.write(f"HỎNG {where}: {brk.problem}")
            raise CommandError(
                f"Nhật ký KHÔNG toàn vẹn: {len(breaks)} chỗ hỏng trong {checked} sự kiện."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Nhật ký toàn vẹn: {checked} sự kiện, chuỗi băm khớp ({elapsed:.2f} s)."
            )
        )
