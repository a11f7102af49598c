"""Import and export of units (KIND `units`): `code, name, kind, parent_code, cluster`.

The file is checked whole against itself and the database before anything is written (see
`portal.dataexchange`). A parent may be defined earlier or later in the same file, or already
exist. `cluster` matches an existing khối / cụm by code or by name; an unknown value creates
one. `valid_from` / `valid_to`, successors, address and notes are not in the contract and are
never touched by an import.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.audit import create_audited, update_audited
from portal.dataexchange import Column, Importer, Plan, Table, choice_value, fold

from .models import BLOC_KINDS, LOCALITY_KINDS, Cluster, ClusterKind, Unit, UnitKind, code_validator

COLUMNS = ("code", "name", "kind", "parent_code", "cluster")
NAME_MAX = Unit._meta.get_field("name").max_length
CLUSTER_NAME_MAX = Cluster._meta.get_field("name").max_length
#: Kinds that never have units under them.
LEAF_KINDS = frozenset({UnitKind.VILLAGE, UnitKind.HOUSEHOLD})
BATCH = 500
KIND_ORDER = {value: i for i, value in enumerate(UnitKind.values)}


@dataclass
class UnitRow:
    """One good line of the file and what it will do."""

    line: int
    code: str
    name: str
    kind: str
    parent_code: str
    cluster_key: str  # "" (no cluster), "id:<pk>" (existing) or "new:<folded name>"
    action: str = "unchanged"  # "create" | "update" | "unchanged"

    def __str__(self) -> str:
        parts = [self.code, self.name, UnitKind(self.kind).label]
        if self.parent_code:
            parts.append(f"cấp trên {self.parent_code}")
        return " · ".join(parts)


@dataclass
class NewCluster:
    code: str
    name: str
    kind: str


_fold = fold  # case-, space- and Unicode-form-insensitive key for matching cluster names

#: The kind column takes the value ("village") or the label the unit list's export writes
#: ("Thôn, tổ dân phố"), and these shorter spellings officers type.
KIND_SPELLINGS = {
    "thôn": UnitKind.VILLAGE.value,
    "tổ dân phố": UnitKind.VILLAGE.value,
    "phòng": UnitKind.DEPARTMENT.value,
    "ban": UnitKind.DEPARTMENT.value,
    "hộ": UnitKind.HOUSEHOLD.value,
}


def kind_value(text: str) -> str | None:
    return choice_value(text, UnitKind.choices, KIND_SPELLINGS)


def _ascii_slug(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").upper()[:60] or "KHOI-CUM"


class UnitImporter(Importer):
    kind = "units"
    label = "Đơn vị (phòng ban, đoàn thể, xã, phường, thôn, doanh nghiệp…)"
    columns = COLUMNS
    #: The unit list's "Xuất Excel" (units.views.unit_export_view): imports back as it is.
    sheet_columns = (
        Column("Mã", width=18, field="code"),
        Column("Tên đơn vị", width=45, field="name"),
        Column("Loại", width=24, field="kind"),
        Column("Mã đơn vị cấp trên", width=18, field="parent_code"),
        Column("Đơn vị cấp trên", width=30),
        Column("Khối/cụm", width=30, field="cluster"),
        Column("Hiệu lực từ", number_format="dd/mm/yyyy", width=12),
        Column("Hiệu lực đến", number_format="dd/mm/yyyy", width=12),
        Column("Dữ liệu mẫu", width=10),
    )
    capability = "unit.import"

    # --- checking ---------------------------------------------------------------------------

    def plan(self, table: Table) -> Plan:
        plan = Plan()
        existing = {
            u.code: u
            for u in Unit.objects.select_related("parent").only(
                "pk", "code", "name", "kind", "parent__code", "cluster_id"
            )
        }
        clusters = list(Cluster.objects.only("pk", "code", "name"))
        by_code = {c.code.casefold(): c for c in clusters}
        by_name = {_fold(c.name): c for c in clusters}

        rows: list[UnitRow] = []
        lines_by_code: dict[str, list[int]] = {}
        new_clusters: dict[str, NewCluster] = {}
        allowed = (
            ", ".join(UnitKind.values) + " (hoặc tên loại như khi xuất Excel: Xã, Phường, Thôn…)"
        )

        for line, record in table.each():
            code, name = record["code"], record["name"]
            kind, parent_code = kind_value(record["kind"]) or "", record["parent_code"]
            cluster_text = record["cluster"]
            ok = True
            if not code:
                plan.error(line, "code", "Thiếu mã đơn vị.")
                ok = False
            else:
                try:
                    code_validator(code)
                except ValidationError:
                    plan.error(
                        line,
                        "code",
                        f"Mã “{code}” không hợp lệ: mã chỉ gồm chữ cái không dấu, chữ số, dấu "
                        "chấm, gạch ngang hoặc gạch dưới, bắt đầu bằng chữ hoặc số, tối đa 64 "
                        "ký tự.",
                    )
                    ok = False
                lines_by_code.setdefault(code, []).append(line)
            if not name:
                plan.error(line, "name", "Thiếu tên đơn vị.")
                ok = False
            elif len(name) > NAME_MAX:
                plan.error(line, "name", f"Tên đơn vị dài quá {NAME_MAX} ký tự.")
                ok = False
            if not record["kind"]:
                plan.error(line, "kind", f"Thiếu loại đơn vị. Các giá trị cho phép: {allowed}.")
                ok = False
            elif not kind:
                plan.error(
                    line,
                    "kind",
                    f"Loại đơn vị “{record['kind']}” không hợp lệ. "
                    f"Các giá trị cho phép: {allowed}.",
                )
                ok = False
            cluster_key = ""
            if cluster_text:
                match = by_code.get(cluster_text.casefold()) or by_name.get(_fold(cluster_text))
                if match is not None:
                    cluster_key = f"id:{match.pk}"
                elif len(cluster_text) > CLUSTER_NAME_MAX:
                    plan.error(line, "cluster", f"Tên khối, cụm dài quá {CLUSTER_NAME_MAX} ký tự.")
                    ok = False
                else:
                    cluster_key = "new:" + _fold(cluster_text)
                    if cluster_key not in new_clusters and ok:
                        bloc = kind in BLOC_KINDS
                        new_clusters[cluster_key] = NewCluster(
                            code="",
                            name=cluster_text,
                            kind=ClusterKind.BLOC if bloc else ClusterKind.CLUSTER,
                        )
            if ok:
                rows.append(UnitRow(line, code, name, kind, parent_code, cluster_key))

        # Duplicate codes inside the file: every line that repeats a code is reported.
        for code, lines in lines_by_code.items():
            if len(lines) > 1:
                listed = ", ".join(str(n) for n in lines)
                for n in lines:
                    plan.error(n, "code", f"Mã “{code}” bị trùng trong tệp (các dòng {listed}).")
        duplicated = {c for c, lines in lines_by_code.items() if len(lines) > 1}
        rows = [r for r in rows if r.code not in duplicated]
        # A bad line's code still counts as "defined in the file" so its children are not
        # reported twice: the officer fixes the parent's line and the children are fine.
        file_kinds: dict[str, str] = {r.code: r.kind for r in rows}
        file_codes = set(lines_by_code)

        parent_of: dict[str, str] = {}
        for row in rows:
            parent_ok = self._check_parent(plan, row, file_kinds, file_codes, existing)
            if row.parent_code and parent_ok:
                parent_of[row.code] = row.parent_code
        # Existing units not in the file keep their parents.
        for code, unit in existing.items():
            if code not in file_codes and unit.parent_id:
                parent_of[code] = unit.parent.code
        self._check_cycles(plan, rows, parent_of)
        self._check_existing_children(plan, rows, existing, parent_of, file_codes)

        if not plan.ok:
            plan.errors.sort(key=lambda e: e.line)  # stable: a line's errors keep column order
            return plan

        self._name_new_clusters(new_clusters, by_code)
        for row in rows:
            unit = existing.get(row.code)
            if unit is None:
                row.action = "create"
                plan.created += 1
                continue
            cluster_id = int(row.cluster_key[3:]) if row.cluster_key.startswith("id:") else None
            same = (
                unit.name == row.name
                and unit.kind == row.kind
                and (unit.parent.code if unit.parent_id else "") == row.parent_code
                and unit.cluster_id == cluster_id
                and not row.cluster_key.startswith("new:")
            )
            row.action = "unchanged" if same else "update"
            if same:
                plan.unchanged += 1
            else:
                plan.updated += 1
        plan.changes = [*new_clusters.items(), *rows]
        if new_clusters:
            plan.notes.append(
                "Sẽ tạo khối/cụm mới: "
                + "; ".join(
                    f"{c.name} (mã {c.code}, {ClusterKind(c.kind).label.lower()})"
                    for c in new_clusters.values()
                )
                + "."
            )
        return plan

    @staticmethod
    def _check_parent(
        plan: Plan,
        row: UnitRow,
        file_kinds: dict[str, str],
        file_codes: set[str],
        existing: dict[str, Unit],
    ) -> bool:
        """Report what is wrong with the row's parent; True when nothing is."""
        if not row.parent_code:
            if row.kind == UnitKind.VILLAGE:
                plan.error(
                    row.line,
                    "parent_code",
                    "Thôn, tổ dân phố phải có mã xã hoặc phường cấp trên (cột parent_code).",
                )
                return False
            return True
        if row.kind in LOCALITY_KINDS:
            plan.error(
                row.line,
                "parent_code",
                "Xã, phường không có đơn vị cấp trên trong danh sách này; để trống parent_code.",
            )
            return False
        if row.parent_code == row.code:
            plan.error(row.line, "parent_code", "Đơn vị không thể là cấp trên của chính nó.")
            return False
        if row.parent_code in file_kinds:
            parent_kind = file_kinds[row.parent_code]
        elif row.parent_code in file_codes:
            return False  # the parent's own line is wrong and already reported
        elif row.parent_code in existing:
            parent_kind = existing[row.parent_code].kind
        else:
            plan.error(
                row.line,
                "parent_code",
                f"Không tìm thấy đơn vị cấp trên có mã “{row.parent_code}” (trong tệp hoặc "
                "trong hệ thống).",
            )
            return False
        if row.kind == UnitKind.VILLAGE and parent_kind not in LOCALITY_KINDS:
            plan.error(
                row.line,
                "parent_code",
                f"Thôn, tổ dân phố phải thuộc một xã hoặc phường; “{row.parent_code}” là "
                f"{UnitKind(parent_kind).label.lower()}.",
            )
            return False
        if parent_kind in LEAF_KINDS:
            plan.error(
                row.line,
                "parent_code",
                f"“{row.parent_code}” là {UnitKind(parent_kind).label.lower()}, không thể có "
                "đơn vị trực thuộc.",
            )
            return False
        return True

    @staticmethod
    def _check_cycles(plan: Plan, rows: list[UnitRow], parent_of: dict[str, str]) -> None:
        reported: set[str] = set()
        for row in rows:
            if row.code in reported:
                continue
            path = [row.code]
            current = parent_of.get(row.code)
            while current is not None and current not in path and len(path) < 1000:
                path.append(current)
                current = parent_of.get(current)
            if current == row.code:
                chain = " → ".join([*path, row.code])
                plan.error(
                    row.line,
                    "parent_code",
                    f"Quan hệ cấp trên tạo thành vòng lặp: {chain}.",
                )
                reported.add(row.code)

    @staticmethod
    def _check_existing_children(
        plan: Plan,
        rows: list[UnitRow],
        existing: dict[str, Unit],
        parent_of: dict[str, str],
        file_codes: set[str],
    ) -> None:
        """A unit turned into a village or household must not keep units under it."""
        has_children = {p for c, p in parent_of.items() if c not in file_codes}
        for row in rows:
            if row.kind in LEAF_KINDS and row.code in existing and row.code in has_children:
                plan.error(
                    row.line,
                    "kind",
                    f"Đơn vị “{row.code}” đang có đơn vị trực thuộc nên không thể đổi thành "
                    f"{UnitKind(row.kind).label.lower()}.",
                )

    @staticmethod
    def _name_new_clusters(new_clusters: dict[str, NewCluster], by_code: dict[str, Any]) -> None:
        """A new cluster takes its own text as code when that is a valid code, else a slug."""
        taken = set(by_code)
        for cluster in new_clusters.values():
            try:
                code_validator(cluster.name)
                base = cluster.name
            except ValidationError:
                prefix = "KHOI" if cluster.kind == ClusterKind.BLOC else "CUM"
                slug = _ascii_slug(cluster.name)
                base = slug if slug.startswith(prefix) else f"{prefix}-{slug}"[:60]
            code, n = base, 2
            while code.casefold() in taken:
                code, n = f"{base}-{n}", n + 1
            taken.add(code.casefold())
            cluster.code = code

    # --- writing ----------------------------------------------------------------------------

    def apply(self, plan: Plan, *, user=None) -> None:
        """Write a checked plan (the caller holds the transaction)."""
        cluster_ids: dict[str, int | None] = {"": None}
        rows: list[UnitRow] = [c for c in plan.changes if isinstance(c, UnitRow)]
        for key, new in (c for c in plan.changes if isinstance(c, tuple)):
            cluster = Cluster(code=new.code, name=new.name, kind=new.kind)
            cluster._history_user = user
            cluster.save()
            cluster_ids[key] = cluster.pk
        creates = [r for r in rows if r.action == "create"]
        updates = [r for r in rows if r.action == "update"]
        if not creates and not updates:
            return
        wanted = {r.parent_code for r in rows if r.parent_code} | {r.code for r in updates}
        units = {u.code: u for u in Unit.objects.filter(code__in=wanted)}

        def cluster_of(row: UnitRow) -> int | None:
            if row.cluster_key.startswith("id:"):
                return int(row.cluster_key[3:])
            return cluster_ids[row.cluster_key]

        # New units level by level (parents first), in bulk: one INSERT per level for the
        # units, one for their history rows and one for their audit events.
        parents = {r.code: r.parent_code for r in creates}
        levels: dict[int, list[UnitRow]] = {}
        for row in creates:
            levels.setdefault(_depth(row.code, parents), []).append(row)
        for depth in sorted(levels):
            objs = [
                Unit(
                    code=row.code,
                    name=row.name,
                    kind=row.kind,
                    parent=units.get(row.parent_code) if row.parent_code else None,
                    cluster_id=cluster_of(row),
                )
                for row in levels[depth]
            ]
            create_audited(Unit, objs, actor=user)
            if any(o.pk is None for o in objs):  # backends that do not return ids
                objs = list(Unit.objects.filter(code__in=[o.code for o in objs]))
            units.update({o.code: o for o in objs})
        now = timezone.now()
        changed = []
        for row in updates:
            unit = units[row.code]
            parent = units[row.parent_code] if row.parent_code else None
            wanted = {
                "name": row.name,
                "kind": row.kind,
                "parent": parent.pk if parent else None,
                "cluster": cluster_of(row),
            }
            diff = {}
            for name, value in wanted.items():
                attname = name if name in ("name", "kind") else f"{name}_id"
                if getattr(unit, attname) != value:
                    diff[name] = (getattr(unit, attname), value)
                    setattr(unit, attname, value)
            unit.updated_at = now  # not in the history (excluded there), written all the same
            changed.append((unit, diff))
        # Renames and moves in bulk: one UPDATE per 1,000 units (PostgreSQL), their history
        # rows and one audit event each (what saving them one by one records).
        update_audited(Unit, changed, actor=user, touch=("updated_at",))

    # --- exporting --------------------------------------------------------------------------

    def export_rows(self, **options: Any) -> Iterable[Sequence[Any]]:
        units = Unit.objects.select_related("parent", "cluster").only(
            "code", "name", "kind", "parent__code", "cluster__code"
        )
        ordered = sorted(
            units,
            key=lambda u: (
                KIND_ORDER.get(u.kind, 99),
                u.parent.code if u.parent_id else "",
                u.code,
            ),
        )
        for unit in ordered:
            yield (
                unit.code,
                unit.name,
                unit.kind,
                unit.parent.code if unit.parent_id else "",
                unit.cluster.code if unit.cluster_id else "",
            )


def _depth(code: str, parents: dict[str, str]) -> int:
    """How many of the file's rows sit above `code` (the plan has ruled out cycles)."""
    depth, current = 0, parents.get(code, "")
    while current and current in parents and depth < 1000:
        depth += 1
        current = parents.get(current, "")
    return depth
