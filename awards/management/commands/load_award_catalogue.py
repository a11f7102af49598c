"""Load or refresh the award catalogue: tiers, who may confer them by date, bonus amounts by
date, vote and eligibility rules (awards/tiers.py; docs/awards-law.md). Idempotent."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from awards.tiers import load_tiers


class Command(BaseCommand):
    help = (
        "Nạp danh mục danh hiệu thi đua, hình thức khen thưởng, thẩm quyền và mức tiền thưởng "
        "theo thời gian (chạy lại không tạo trùng)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--refresh-rules",
            action="store_true",
            help="Thay các điều kiện khen thưởng bằng điều kiện mặc định (mất chỉnh sửa tại chỗ).",
        )

    def handle(self, *args, refresh_rules: bool = False, **options):
        count = load_tiers(refresh_rules=refresh_rules)
        self.stdout.write(f"Đã nạp {count} danh hiệu, hình thức khen thưởng.")
