"""python manage.py send_reminders [--today YYYY-MM-DD] — run the deadline-reminder job now."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from campaigns.results.reminders import reminders_send


class Command(BaseCommand):
    help = "Gửi thư nhắc hạn báo cáo cho các đơn vị chưa nộp (mỗi mốc nhắc một lần)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Coi hôm nay là ngày này (YYYY-MM-DD), để thử.")

    def handle(self, *args, **options):
        today = None
        if options.get("today"):
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("Ngày phải có dạng YYYY-MM-DD.") from exc
        sent = reminders_send(today=today)
        self.stdout.write(self.style.SUCCESS(f"Đã gửi {sent} thư nhắc hạn."))
