"""Load the seed plan and the labelled sample data, and create one demo user per role.

Idempotent: running it twice leaves the same data. Each app contributes a `demo.load()`.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from portal.demo import load_users

# In dependency order; an app without a demo module is skipped.
DEMO_MODULES = ["units.demo", "campaigns.demo", "awards.demo", "reports.demo"]


class Command(BaseCommand):
    help = "Nạp kế hoạch mẫu Đức Phổ, dữ liệu mẫu (có nhãn) và tài khoản thử cho từng vai trò."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--quiet-users", action="store_true", help="Không in danh sách tài khoản."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo's documents are rendered and signed here, before the command ends: inline,
        # never handed to the web process's background thread (reports/background.py).
        settings.REPORTS_RENDER_IN_THREAD = False
        for name in DEMO_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            counts = module.load()
            summary = ", ".join(f"{k}: {v}" for k, v in (counts or {}).items())
            self.stdout.write(f"Đã nạp {name}: {summary}")
        users = load_users()
        if not options["quiet_users"]:
            self.stdout.write(self.style.SUCCESS("\nTài khoản thử (mỗi vai trò một tài khoản):"))
            width = max(len(u) for u, _, _ in users)
            for username, roles, password in users:
                self.stdout.write(
                    f"  {username.ljust(width)}  mật khẩu: {password}   vai trò: {roles}"
                )
