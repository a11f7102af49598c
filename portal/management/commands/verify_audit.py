"""Recompute the audit log's hash chain and report any break (exit status 1)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from portal.audit import verify_chain


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm của nhật ký thay đổi; báo sự kiện đầu tiên bị sửa hoặc bị xóa."

    def handle(self, *args, **options):
        started = time.monotonic()
        checked, breaks = verify_chain()
        elapsed = time.monotonic() - started
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
