from collections.abc import Callable, Iterator

from django.apps import AppConfig


def signed_documents() -> Iterator[tuple[str, Callable[[], bytes]]]:
    """Every signed file in storage, for `verify_audit --signed-documents`: (label, read)."""
    from portal.uploads import open_stored

    from .models import SignOff

    rows = SignOff.objects.select_related("report").order_by("signed_at", "pk")
    for signoff in rows.iterator(chunk_size=200):
        report = signoff.report
        number = f" số {report.number}" if report.number else ""
        label = (
            f"văn bản “{report.title}”{number} (ký {signoff.signed_at:%d/%m/%Y %H:%M}, "
            f"tệp {signoff.signed_file.name})"
        )

        def read(field=signoff.signed_file) -> bytes:
            with open_stored(field) as handle:
                return handle.read()

        yield label, read


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo"

    def ready(self) -> None:
        from portal.audit_anchor import register_signed_documents
        from portal.navigation import MenuEntry, register_documents, register_menu

        from . import integrated_sections, registry, selectors

        registry.load()
        from portal.background import on_start

        from .background import requeue

        on_start(requeue)  # renders a stopped process left behind, when the thread starts
        register_signed_documents(signed_documents)
        register_documents(selectors.award_documents)
        integrated_sections.register()
        from . import desk

        desk.register()
        register_menu(
            MenuEntry(
                "Báo cáo", "reports:report-list", "report.view", icon="file-earmark-pdf", order=80
            ),
            MenuEntry("Chờ ký duyệt", "reports:signoff-queue", "report.sign", icon="pen", order=81),
            MenuEntry(
                "Sổ văn bản đi", "reports:register", "register.view", icon="journal-text", order=82
            ),
        )
