"""Importers and exporters of DESIGN.md's data-exchange contract: `ntm_status` and
`contributions`. All-or-nothing: `plan` checks every row without writing; `apply` writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects

from portal.dataexchange import Column, Importer, Plan, Table, choice_value, register_importer
from portal.numbers import parse_vn_number
from units.models import Unit, UnitKind

from ..context import current_campaign
from ..models import (
    VILLAGE_LEVELS,
    Contribution,
    ContributorKind,
    NtmLevel,
    NtmStatus,
)
from .services import contribution_check, ntm_check, ntm_criterion_set_for, ntm_status_save


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


@register_importer
class NtmStatusImporter(Importer):
    kind = "ntm_status"
    label = "Kết quả tiêu chí nông thôn mới (xã, thôn)"
    columns = ("unit_code", "year", "criteria_met", "level")
    capability = "ntm.import"
    list_url = "campaigns:ntm-list"

    def plan(self, table: Table) -> Plan:
        plan = Plan()
        campaign = current_campaign()
        codes = {r["unit_code"] for _, r in table.rows}
        units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        existing = {
            (s.unit_id, s.year): s
            for s in NtmStatus.objects.filter(unit__in=units.values()).prefetch_related(
                "criteria_met"
            )
        }
        sets: dict[int, Any] = {}
        seen: dict[tuple[str, int], int] = {}
        for line, row in table.rows:
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
            if 2000 <= year <= 2100 and year not in sets:
                sets[year] = ntm_criterion_set_for(year, campaign)
                if sets[year] is not None:  # ntm_check reads its numbers: once, not per row
                    prefetch_related_objects([sets[year]], "criteria")
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
            elif old.level == level and sorted(c.number for c in old.criteria_met.all()) == sorted(
                set(numbers)
            ):
                plan.unchanged += 1
                continue
            else:
                plan.updated += 1
            plan.changes.append(NtmChange(line, unit, year, level, numbers))
        return plan

    def apply(self, plan: Plan, *, user=None) -> None:
        campaign = current_campaign()
        for change in plan.changes:
            old = NtmStatus.objects.filter(unit=change.unit, year=change.year).first()
            ntm_status_save(
                unit=change.unit,
                year=change.year,
                level=change.level,
                numbers=change.numbers,
                recognition_decision=old.recognition_decision if old else "",
                recognition_date=old.recognition_date if old else None,
                note=old.note if old else "",
                campaign=campaign,
                by=user,
            )

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


IN_KIND_MAX = Contribution._meta.get_field("in_kind").max_length


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
        for line, row in table.rows:
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
        campaign = current_campaign()
        for change in plan.changes:
            row = change.existing or Contribution(campaign=campaign)
            for name, value in zip(change.fields, change.values, strict=True):
                setattr(row, name, value)
            if (
                campaign
                and row.campaign_id is None
                and campaign.start_year <= row.year <= campaign.end_year
            ):
                row.campaign = campaign
            row.is_sample = False
            if user is not None:
                row._history_user = user
            try:
                row.full_clean(exclude=["campaign"])
            except ValidationError as exc:  # pragma: no cover - plan() checked the same rules
                raise ValidationError(f"dòng {change.line}: {exc}") from exc
            row.save()

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
