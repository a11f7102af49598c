"""Importers and exporters of DESIGN.md's data-exchange contract: `ntm_status` and
`contributions`. All-or-nothing: `plan` checks every row without writing; `apply` writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import prefetch_related_objects

from portal.audit import create_audited, update_audited
from portal.dataexchange import Column, Importer, Plan, Table, choice_value, register_importer
from portal.numbers import parse_vn_number
from units.models import Unit, UnitKind

from ..context import current_campaign
from ..models import (
    VILLAGE_LEVELS,
    Contribution,
    ContributorKind,
    NtmCriterion,
    NtmLevel,
    NtmStatus,
)
from .derived import refresh_ntm_derived
from .services import contribution_check, ntm_check, ntm_criterion_set_for


def _criterion_sets(years: Iterable[int], campaign: Any) -> dict[int, Any]:
    """The criteria set in force for each year (2000–2100) with its criteria loaded (ntm_check
    reads them): one query per year and one for all their criteria."""
    sets = {year: ntm_criterion_set_for(year, campaign) for year in years if 2000 <= year <= 2100}
    one = {s.pk: s for s in sets.values() if s is not None}  # years of one set share it
    prefetch_related_objects(list(one.values()), "criteria")
    return {year: one[s.pk] if s is not None else None for year, s in sets.items()}


def _year(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _numbers(text: str) -> list[int] | None:
    parts = [p.strip() for p in text.replace(",", ";").split(";") if p.strip()]
    try:
        return [int(p) for p in parts]
    except ValueError:
        return None


@dataclass(slots=True)
class NtmChange:
    line: int
    unit: Unit
    year: int
    level: str
    numbers: list[int]


#: Keys per `IN (…)` of the importers' look-ups (SQLite takes at most 999 parameters a query).
def _chunk_size() -> int:
    return connection.features.max_query_params or 10_000


def _chunked(values: Iterable[Any]) -> Iterable[list[Any]]:
    values = list(values)
    size = min(_chunk_size(), 10_000)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _units_by_code(codes: Iterable[str]) -> dict[str, Unit]:
    """The units a file names, by code: one query per 10,000 codes (999 on SQLite)."""
    units: dict[str, Unit] = {}
    for chunk in _chunked(sorted(codes)):
        units.update((u.code, u) for u in Unit.objects.filter(code__in=chunk).order_by())
    return units


def _statuses_of(unit_ids: Iterable[int], *, lock: bool = False) -> dict[tuple[int, int], Any]:
    """The NTM statuses of these units by (unit id, year), each with `numbers`: the sorted
    numbers of its criteria met (two queries per 10,000 units, not one per status)."""
    statuses: dict[tuple[int, int], Any] = {}
    links = NtmStatus.criteria_met.through.objects
    for chunk in _chunked(unit_ids):
        rows = NtmStatus.objects.filter(unit_id__in=chunk).order_by()
        if lock:
            rows = rows.select_for_update(of=("self",))
        by_pk = {}
        for status in rows:
            status.numbers = []
            by_pk[status.pk] = status
            statuses[(status.unit_id, status.year)] = status
        for status_id, number in links.filter(ntmstatus__unit_id__in=chunk).values_list(
            "ntmstatus_id", "ntmcriterion__number"
        ):
            by_pk[status_id].numbers.append(number)
        for status in by_pk.values():
            status.numbers.sort()
    return statuses


def _insert_links(pairs: list[tuple[int, int]]) -> None:
    """Insert (status id, criterion id) rows of the criteria-met table: on PostgreSQL one
    INSERT of two arrays, elsewhere one executemany (a model instance per link would cost more
    than the statuses themselves: a commune meets up to 19 criteria)."""
    if not pairs:
        return
    through = NtmStatus.criteria_met.through
    quote = connection.ops.quote_name
    table = quote(through._meta.db_table)
    status_col = quote(through._meta.get_field("ntmstatus").column)
    criterion_col = quote(through._meta.get_field("ntmcriterion").column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} ({status_col}, {criterion_col}) "
                "SELECT * FROM unnest(%s::bigint[], %s::bigint[])",
                # Array literals as text: psycopg would adapt 300,000 numbers one by one.
                [
                    "{" + ",".join(str(a) for a, _b in pairs) + "}",
                    "{" + ",".join(str(b) for _a, b in pairs) + "}",
                ],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({status_col}, {criterion_col}) VALUES (%s, %s)", pairs
            )


@register_importer
class NtmStatusImporter(Importer):
    """Checks a whole file in a constant number of queries (units, their statuses and criteria
    met, one criteria set per year), and writes it in bulk: new statuses through
    `create_audited`, changed ones through `update_audited` (each row its historical record
    and one audit event), the criteria met as one INSERT of links."""

    kind = "ntm_status"
    label = "Kết quả tiêu chí nông thôn mới (xã, thôn)"
    columns = ("unit_code", "year", "criteria_met", "level")
    capability = "ntm.import"
    list_url = "campaigns:ntm-list"

    def plan(self, table: Table) -> Plan:
        plan = Plan()
        campaign = current_campaign()
        units = _units_by_code({r["unit_code"] for _, r in table.rows})
        existing = _statuses_of(u.pk for u in units.values())
        sets = _criterion_sets({_year(r["year"]) or 0 for _, r in table.rows}, campaign)
        seen: dict[tuple[str, int], int] = {}
        for line, row in table.each():
            code = row["unit_code"]
            unit = units.get(code)
            if unit is None:
                plan.error(line, "unit_code", f"Không có đơn vị mã “{code}”.")
                continue
            year = _year(row["year"])
            if year is None:
                plan.error(line, "year", f"Năm “{row['year']}” không phải một số.")
                continue
            if (code, year) in seen:
                plan.error(
                    line,
                    "unit_code",
                    f"Trùng với dòng {seen[(code, year)]}: đơn vị {code}, năm {year}.",
                )
                continue
            seen[(code, year)] = line
            numbers = _numbers(row["criteria_met"])
            if numbers is None:
                plan.error(
                    line,
                    "criteria_met",
                    "Danh sách tiêu chí phải là các số cách nhau bởi dấu “;” (ví dụ 1;2;17).",
                )
                continue
            level = choice_value(row["level"], NtmLevel.choices) or row["level"]
            if level not in NtmLevel.values:
                allowed = (
                    "none, ntm, model"
                    if unit.kind == UnitKind.VILLAGE
                    else ("none, ntm, advanced, model")
                )
                plan.error(line, "level", f"Mức “{row['level']}” không hợp lệ; dùng {allowed}.")
                continue
            errors = ntm_check(
                unit=unit,
                year=year,
                level=level,
                numbers=numbers,
                criterion_set=sets.get(year),
                campaign=campaign,
            )
            for column, message in errors.items():
                plan.error(line, "unit_code" if column == "unit" else column, message)
            if errors:
                continue
            old = existing.get((unit.pk, year))
            if old is None:
                plan.created += 1
            elif old.level == level and old.numbers == sorted(set(numbers)):
                plan.unchanged += 1
                continue
            else:
                plan.updated += 1
            plan.changes.append(NtmChange(line, unit, year, level, numbers))
        return plan

    def apply(self, plan: Plan, *, user=None) -> None:
        """Write a checked plan in bulk (the caller holds the transaction). What each row
        writes is what `ntm_status_save` writes for it: the level and the criteria met; a
        changed status loses its confirmation; decision, date and note stay."""
        campaign = current_campaign()
        actor = user if getattr(user, "is_authenticated", False) else None
        changes = plan.changes
        current = _statuses_of({c.unit.pk for c in changes}, lock=True)
        sets = {year: ntm_criterion_set_for(year, campaign) for year in {c.year for c in changes}}
        by_set: dict[int, dict[int, int]] = {}
        for set_id, number, pk in NtmCriterion.objects.filter(
            criterion_set__in=[s for s in sets.values() if s is not None]
        ).values_list("criterion_set_id", "number", "pk"):
            by_set.setdefault(set_id, {})[number] = pk
        criteria = {year: by_set.get(s.pk, {}) if s is not None else {} for year, s in sets.items()}
        new: list[NtmStatus] = []
        new_links: list[list[int]] = []
        updates: list[tuple[NtmStatus, dict[str, tuple[Any, Any]]]] = []
        relinked: list[tuple[NtmStatus, list[int]]] = []
        for change in changes:
            numbers = sorted(set(change.numbers))
            pks = sorted(criteria[change.year][n] for n in numbers if n in criteria[change.year])
            status = current.get((change.unit.pk, change.year))
            if status is None:
                status = NtmStatus(
                    unit=change.unit,
                    year=change.year,
                    level=change.level,
                    criteria_met_count=len(pks),
                    is_sample=False,
                )
                new.append(status)
                new_links.append(pks)
                continue
            status.unit = change.unit  # its name is in the audit event's label
            old_pks = sorted(
                criteria[change.year][n] for n in status.numbers if n in criteria[change.year]
            )
            same_criteria = status.numbers == numbers and old_pks == pks
            if status.level == change.level and same_criteria:
                continue  # the data changed since the plan: nothing left to write
            wanted = {
                "level": change.level,
                "is_sample": False,
                "confirmed_at": None,
                "confirmed_by": None,
            }
            if not same_criteria:
                wanted["criteria_met_count"] = len(pks)
                relinked.append((status, pks))
            updates.append(
                (status, _set_changed(status, wanted, {"confirmed_by": "confirmed_by_id"}))
            )
        update_audited(NtmStatus, updates, actor=actor)
        create_audited(NtmStatus, new, actor=actor)
        if any(s.pk is None for s in new):  # backends that return no ids from bulk inserts
            ids = {
                (s.unit_id, s.year): s.pk
                for chunk in _chunked({s.unit_id for s in new})
                for s in NtmStatus.objects.filter(unit_id__in=chunk).only("pk", "unit", "year")
            }
            for status in new:
                status.pk = ids[(status.unit_id, status.year)]
        links = NtmStatus.criteria_met.through
        for chunk in _chunked([s.pk for s, _pks in relinked]):
            links.objects.filter(ntmstatus_id__in=chunk).delete()
        _insert_links(
            [
                (status.pk, pk)
                for status, pks in [*zip(new, new_links, strict=True), *relinked]
                for pk in pks
            ]
        )
        # The facts derived from the criteria (lost since an earlier year, the met bits), for
        # every unit whose criteria changed: as ntm_status_save does, once for the whole file.
        refresh_ntm_derived({s.unit_id for s in new} | {s.unit_id for s, _pks in relinked})

    def export_rows(self, **options: Any) -> Iterable[Sequence[Any]]:
        statuses = NtmStatus.objects.select_related("unit").prefetch_related("criteria_met")
        if options.get("year"):
            statuses = statuses.filter(year=options["year"])
        if options.get("unit_ids") is not None:
            statuses = statuses.filter(unit_id__in=options["unit_ids"])
        for s in statuses.order_by("unit__code", "year"):
            numbers = sorted(c.number for c in s.criteria_met.all())
            yield (s.unit.code, s.year, ";".join(str(n) for n in numbers), s.level)


# --- Contributions ----------------------------------------------------------------------------


#: The fields a contribution row sets, in the order `ContributionChange.values` holds them.
CHANGE_FIELDS = (
    "year",
    "commune",
    "contributor",
    "contributor_kind",
    "note",
    "money_vnd",
    "work_days",
    "land_m2",
)
#: The same with the optional "Hiện vật" column, when the file has it (else the stored one stays).
CHANGE_FIELDS_IN_KIND = (*CHANGE_FIELDS, "in_kind")


@dataclass(slots=True)
class ContributionChange:
    """One planned write, kept small (a plan may hold 100,000): values as a tuple."""

    line: int
    existing: Contribution | None
    values: tuple[Any, ...]  # in `fields` order
    fields: tuple[str, ...]  # CHANGE_FIELDS, plus in_kind when the file has that column


def _amount(text: str, column: str) -> Decimal:
    """A contribution amount the Vietnamese way ("12,5", "150.000.000"; a number cell as it is);
    empty is 0. `ValidationError` with the parser's Vietnamese message otherwise."""
    if not str(text).strip():
        return Decimal(0)
    places = Contribution._meta.get_field(column).decimal_places
    value = parse_vn_number(text, decimal_places=places, money=column == "money_vnd")
    if value.as_tuple().exponent < -places:
        if column == "money_vnd":
            raise ValidationError("Số tiền tính bằng đồng, không có phần lẻ.")
        raise ValidationError(f"“{text}”: chỉ ghi tối đa {places} chữ số sau dấu phẩy.")
    return value


def _set_changed(
    row: Any, wanted: dict[str, Any], attnames: dict[str, str]
) -> dict[str, tuple[Any, Any]]:
    """Set the values of `wanted` (field name → value; a foreign key by its id, named in
    `attnames`) that differ on `row`; returns what changed, field name → (old, new), as
    update_audited records it."""
    diff: dict[str, tuple[Any, Any]] = {}
    for name, value in wanted.items():
        attname = attnames.get(name, name)
        before = getattr(row, attname)
        if before != value:
            diff[name] = (before, value)
            setattr(row, attname, value)
    return diff


IN_KIND_MAX = Contribution._meta.get_field("in_kind").max_length
_FK_ID = {"commune": "commune_id", "campaign": "campaign_id"}


@register_importer
class ContributionImporter(Importer):
    """Idempotent by (year, commune, contributor, contributor kind): re-importing updates."""

    kind = "contributions"
    label = "Đóng góp xây dựng nông thôn mới"
    columns = (
        "year",
        "commune_code",
        "contributor",
        "contributor_kind",
        "money_vnd",
        "work_days",
        "land_m2",
        "note",
    )
    #: The contribution list's "Xuất Excel" (views.contribution_export_view): imports back.
    sheet_columns = (
        Column("Năm", "0", 8, field="year"),
        Column("Mã xã", None, 14, field="commune_code"),
        Column("Xã", None, 24),
        Column("Người / đơn vị đóng góp", None, 36, field="contributor"),
        Column("Loại đối tượng", None, 20, field="contributor_kind"),
        Column("Tiền (đồng)", "#,##0", 18, field="money_vnd"),
        Column("Ngày công", "#,##0.0", 12, field="work_days"),
        Column("Đất hiến (m²)", "#,##0.0", 14, field="land_m2"),
        Column("Hiện vật", None, 24, field="in_kind"),  # optional: kept when the file has none
        Column("Ghi chú", None, 30, field="note"),
    )
    capability = "contribution.import"
    list_url = "campaigns:contribution-list"

    def plan(self, table: Table) -> Plan:
        plan = Plan()
        campaign = current_campaign()
        codes = {r["commune_code"] for _, r in table.rows}
        communes = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        existing = {
            (c.year, c.commune_id, c.contributor, c.contributor_kind): c
            for c in Contribution.objects.filter(commune__in=communes.values())
        }
        seen: dict[tuple, int] = {}
        for line, row in table.each():
            bad = False
            year = _year(row["year"])
            if year is None:
                plan.error(line, "year", f"Năm “{row['year']}” không phải một số.")
                bad = True
            commune = communes.get(row["commune_code"])
            if commune is None:
                plan.error(line, "commune_code", f"Không có đơn vị mã “{row['commune_code']}”.")
                bad = True
            elif commune.kind != UnitKind.COMMUNE:
                plan.error(line, "commune_code", f"Đơn vị “{commune.code}” không phải là xã.")
                bad = True
            contributor = row["contributor"]
            if not contributor:
                plan.error(line, "contributor", "Thiếu tên người hoặc đơn vị đóng góp.")
                bad = True
            elif len(contributor) > 255:
                plan.error(line, "contributor", "Tên người đóng góp dài quá 255 ký tự.")
                bad = True
            kind = choice_value(row["contributor_kind"], ContributorKind.choices) or ""
            if kind not in ContributorKind.values:
                plan.error(
                    line,
                    "contributor_kind",
                    f"Loại “{row['contributor_kind']}” không hợp lệ; dùng "
                    + ", ".join(ContributorKind.values)
                    + ".",
                )
                bad = True
            amounts = {}
            for column in ("money_vnd", "work_days", "land_m2"):
                try:
                    amounts[column] = _amount(row[column], column)
                except ValidationError as exc:
                    plan.error(line, column, " ".join(exc.messages))
                    amounts[column] = None
                    bad = True
            errors = contribution_check(year=year, campaign=campaign, **amounts)
            for column, message in errors.items():
                plan.error(line, column, message)
            if errors or bad:
                continue
            if amounts["money_vnd"] != amounts["money_vnd"].to_integral_value():
                plan.error(line, "money_vnd", "Số tiền tính bằng đồng, không có phần lẻ.")
                continue
            key = (year, commune.pk, contributor, kind)
            if key in seen:
                plan.error(line, "contributor", f"Trùng với dòng {seen[key]}.")
                continue
            seen[key] = line
            values = {
                "year": year,
                "commune": commune,
                "contributor": contributor,
                "contributor_kind": kind,
                "note": row["note"],
                **amounts,
            }
            if "in_kind" in table.header:
                if len(row["in_kind"]) > IN_KIND_MAX:
                    plan.error(line, "in_kind", f"Hiện vật dài quá {IN_KIND_MAX} ký tự.")
                    continue
                values["in_kind"] = row["in_kind"]
            old = existing.get(key)
            if old is None:
                plan.created += 1
            elif all(
                getattr(old, f) == values[f]
                for f in ("money_vnd", "work_days", "land_m2", "note", "in_kind")
                if f in values
            ):
                plan.unchanged += 1
                continue
            else:
                plan.updated += 1
            fields = CHANGE_FIELDS_IN_KIND if "in_kind" in values else CHANGE_FIELDS
            plan.changes.append(
                ContributionChange(line, old, tuple(values[f] for f in fields), fields)
            )
        return plan

    def apply(self, plan: Plan, *, user=None) -> None:
        """Write a checked plan in bulk (the caller holds the transaction): new rows in one
        INSERT, changed rows in batched UPDATEs, each with its history row and audit event as
        `save()` records them (portal.audit.create_audited / update_audited). `plan` checked
        every rule the model's clean() holds (contribution_check)."""
        campaign = current_campaign()
        actor = user if getattr(user, "is_authenticated", False) else None
        new: list[Contribution] = []
        updates: list[tuple[Contribution, dict[str, tuple[Any, Any]]]] = []
        for change in plan.changes:
            # Field name → value, a foreign key as its id (what save() records in the event).
            wanted = dict(zip(change.fields, change.values, strict=True))
            wanted["commune"] = wanted["commune"].pk
            wanted["is_sample"] = False
            row = change.existing
            if row is None or row.campaign_id is None:
                year = wanted["year"]
                if campaign and campaign.start_year <= year <= campaign.end_year:
                    wanted["campaign"] = campaign.pk
            if row is None:
                new.append(Contribution(**{_FK_ID.get(k, k): v for k, v in wanted.items()}))
                continue
            updates.append((row, _set_changed(row, wanted, _FK_ID)))
        update_audited(Contribution, updates, actor=actor)
        create_audited(Contribution, new, actor=actor)

    def export_rows(self, **options: Any) -> Iterable[Sequence[Any]]:
        rows = Contribution.objects.select_related("commune")
        if options.get("year"):
            rows = rows.filter(year=options["year"])
        if options.get("queryset") is not None:
            rows = options["queryset"]
        for c in rows.order_by("year", "commune__code", "contributor", "pk"):
            yield (
                c.year,
                c.commune.code,
                c.contributor,
                c.contributor_kind,
                int(c.money_vnd),
                _plain(c.work_days),
                _plain(c.land_m2),
                c.note,
            )


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


__all__ = ["VILLAGE_LEVELS", "ContributionImporter", "NtmStatusImporter"]
