from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "Đơn vị tham gia"

    def ready(self) -> None:
        from portal.dataexchange import register_importer
        from portal.navigation import MenuEntry, register_menu

        from .importers import UnitImporter

        register_importer(UnitImporter)

        register_menu(
            MenuEntry("Đơn vị", "units:unit-list", "unit.view", "bi-building", 20),
            MenuEntry("Cá nhân", "units:person-list", "person.view", "bi-person", 22),
            MenuEntry("Khối, cụm thi đua", "units:cluster-list", "unit.view", "bi-diagram-3", 24),
            MenuEntry("Cơ quan ban hành", "units:authority-list", "authority.view", "bi-bank", 26),
            MenuEntry("Nhập dữ liệu", "import-index", "unit.import", "bi-upload", 90),
        )
