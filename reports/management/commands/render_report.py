"""render_report --campaign CODE --kind KIND --year Y --out FILE: the same rendering code the
Celery task runs, synchronously, without touching the database. A large review's Excel annex is
written beside the PDF (FILE with the suffix .xlsx)."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from portal.numbers import format_vn_number
from reports import rendering
from reports.models import Report
from reports.registry import all_kinds, get_kind


class Command(BaseCommand):
    help = "Tạo tệp PDF báo cáo (đồng bộ, cùng mã nguồn với tác vụ nền)."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="Mã phong trào")
        parser.add_argument("--kind", required=True, choices=[k.code for k in all_kinds()])
        parser.add_argument("--year", type=int, help="Năm (mặc định: năm sơ kết/tổng kết)")
        parser.add_argument("--object", type=int, default=0, help="Mã quyết định / phiên họp")
        parser.add_argument("--out", required=True, help="Tệp PDF kết quả")
        parser.add_argument("--stats", action="store_true", help="In thời gian và bộ nhớ")

    def handle(self, *args, **options):
        try:
            campaign = Campaign.objects.get(code=options["campaign"])
        except Campaign.DoesNotExist as exc:
            raise CommandError(f"Không có phong trào mã {options['campaign']}.") from exc
        definition = get_kind(options["kind"])
        year = options["year"] or definition.default_year(campaign)
        if year is None:
            raise CommandError("Vui lòng ghi --year.")
        try:
            definition.validate(campaign, year, options["object"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        # An unsaved row: the command renders without recording anything.
        report = Report(
            campaign=campaign, kind=definition.code, year=year, object_id=options["object"]
        )
        if options["stats"]:
            tracemalloc.start()
        started = time.perf_counter()
        try:
            rendered = rendering.render_report(report)
        except rendering.RenderError as exc:
            raise CommandError(str(exc)) from exc
        Path(options["out"]).write_bytes(rendered.content)
        self.stdout.write(
            f"Đã ghi {options['out']}: {rendered.pages} trang, "
            f"{format_vn_number(len(rendered.content))} byte."
        )
        if rendered.annex is not None:  # a large review: its Excel annex beside the PDF
            annex_path = Path(options["out"]).with_suffix(".xlsx")
            annex_path.write_bytes(rendered.annex.content)
            self.stdout.write(
                f"Đã ghi phụ lục {annex_path}: {len(rendered.annex.sheets)} biểu, "
                f"{format_vn_number(len(rendered.annex.content))} byte, "
                f"sha256 {rendered.annex.sha256}."
            )
        if options["stats"]:
            import resource

            _, peak = tracemalloc.get_traced_memory()
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            self.stdout.write(
                f"gather={rendered.gather_seconds:.2f}s render={rendered.render_seconds:.2f}s "
                f"total={time.perf_counter() - started:.2f}s peak_py_mem={peak / 1e6:.0f}MB "
                f"peak_rss={rss:.0f}MB"
            )
