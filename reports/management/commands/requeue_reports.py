"""Send again the reports left queued while the broker was down, and put back in the queue and
send the renders whose worker died (stale claims). What beat's `reports-requeue` runs."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand

from reports.services import requeue_stale


class Command(BaseCommand):
    help = (
        "Gửi lại các yêu cầu báo cáo còn chờ (khi hàng đợi từng gián đoạn) và các báo cáo có "
        "tiến trình tạo tệp đã dừng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=5)

    def handle(self, *args, **options):
        sent = requeue_stale(older_than=datetime.timedelta(minutes=options["minutes"]))
        self.stdout.write(f"Đã gửi lại {sent} yêu cầu.")
