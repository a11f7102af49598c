"""`import_data awards`: past awards for the eligibility history (docs/data.md, `awards`).

An award is found again by its tier, its recipient and its decision number compared
normalized (`decision_key`: NFC, case-folded, Đ → D, no spaces), so `125/QD-UBND` is the award
of `125/QĐ-UBND`, never a second one. An import only changes what its file brings: an empty
cell (no campaign, no date, no year) keeps the stored value, and the year of achievement
changes only when the file has a year column ("Năm thành tích" in the list's export). Each
update lists its changes (field: old → new) for the preview.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass, field

from campaigns.models import Campaign
from portal.dataexchange import Column, Importer, Plan, Table, fold, register_importer
from units.models import Person, Unit

from ..models import Award, AwardCategory, AwardSource, AwardTier, NomineeKind, TierKind

#: recipient_kind: the contract's values and the labels the award list's export writes.
RECIPIENT_KINDS = {
    "unit": "unit",
    "person": "person",
    fold(NomineeKind.COLLECTIVE.label): "unit",
    fold(NomineeKind.HOUSEHOLD.label): "unit",
    fold(NomineeKind.INDIVIDUAL.label): "person",
    NomineeKind.COLLECTIVE.value: "unit",
    NomineeKind.HOUSEHOLD.value: "unit",
    NomineeKind.INDIVIDUAL.value: "person",
}
DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-"})


def decision_key(number: str) -> str:
    """The decision number as compared: `125/QD-UBND`, `125/qđ-ubnd`, `125 / QĐ-UBND` are one."""
    text = unicodedata.normalize("NFC", number).casefold().replace("đ", "d").translate(DASHES)
    return "".join(text.split())


def _key(tier_id: int, unit_id: int | None, person_id: int | None, number: str) -> tuple:
    return (tier_id, "u" if unit_id else "p", unit_id or person_id, decision_key(number))


def _date(text: str) -> datetime.date | None:
    """YYYY-MM-DD (the contract, and what a date cell reads as) or dd/mm/yyyy."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        try:
            return datetime.date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            return None
    return None


def _shown(value) -> str:
    if value is None or value == "":
        return "(trống)"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(getattr(value, "code", value))


@dataclass
class _Row:
    line: int
    unit: Unit | None
    person: Person | None
    tier: AwardTier
    number: str
    day: datetime.date | None
    campaign: Campaign | None
    existing: Award | None
    year: int | None = None
    action: str = "create"
    #: (model field, label, old, new) for an update
    diff: list[tuple[str, str, object, object]] = field(default_factory=list)

    def __str__(self) -> str:
        who = (
            self.person.full_name
            if self.person is not None
            else self.unit.name
            if self.unit is not None
            else ""
        )
        head = f"{self.tier.name} – {who} ({self.number})"
        if self.action == "update":
            return (
                head
                + ": "
                + "; ".join(f"{label}: {_shown(a)} → {_shown(b)}" for _f, label, a, b in self.diff)
            )
        parts = [f"ngày {_shown(self.day)}"]
        if self.campaign:
            parts.append(f"phong trào {self.campaign.code}")
        return head + ", " + ", ".join(parts)


@register_importer
class AwardImporter(Importer):
    kind = "awards"
    label = "Lịch sử khen thưởng"
    columns = (
        "recipient_kind",
        "recipient_code_or_name",
        "tier_code",
        "decision_number",
        "decision_date",
        "campaign_code",
    )
    #: The award list's "Xuất Excel" (views.award_export_view): imports back as it is. The
    #: tier column holds the tier's name (its code is accepted too); "Năm thành tích" is an
    #: optional column `year`.
    sheet_columns = (
        Column("STT", width=6),
        Column("Đối tượng", width=40),
        Column("Mã đối tượng", width=18, field="recipient_code_or_name"),
        Column("Loại đối tượng", field="recipient_kind"),
        Column("Hình thức, danh hiệu", width=40, field="tier_code"),
        Column("Loại hình"),
        Column("Năm thành tích", field="year"),
        Column("Số quyết định", width=20, field="decision_number"),
        Column("Ngày quyết định", number_format="DD/MM/YYYY", field="decision_date"),
        Column("Phong trào", width=30, field="campaign_code"),
    )
    capability = "award.import"

    def plan(self, table: Table) -> Plan:
        plan = Plan()
        tiers = {t.code: t for t in AwardTier.objects.all()}
        tiers_by_name: dict[str, list[AwardTier]] = {}
        for known in tiers.values():
            tiers_by_name.setdefault(fold(known.name), []).append(known)
        campaigns = {c.code: c for c in Campaign.objects.all()}
        awards = {
            (
                a.tier_id,
                "u" if a.unit_id else "p",
                a.unit_id or a.person_id,
                decision_key(a.decision_number),
            ): a
            for a in Award.objects.select_related("campaign")
        }
        seen: dict[tuple, tuple[int, tuple]] = {}
        for line, row in table.each():
            kind = RECIPIENT_KINDS.get(fold(row["recipient_kind"]))
            who = row["recipient_code_or_name"]
            tier = tiers.get(row["tier_code"])
            if tier is None and len(tiers_by_name.get(fold(row["tier_code"]), [])) == 1:
                tier = tiers_by_name[fold(row["tier_code"])][0]
            if kind is None:
                plan.error(
                    line,
                    "recipient_kind",
                    "Chỉ nhận “unit” (tập thể, hộ) hoặc “person” (cá nhân); tệp xuất từ danh "
                    "sách ghi “Tập thể”, “Hộ gia đình” hoặc “Cá nhân” cũng được.",
                )
                continue
            if tier is None:
                plan.error(
                    line, "tier_code", f"Không có hình thức, danh hiệu mã “{row['tier_code']}”."
                )
                continue
            unit = person = None
            if kind == "unit":
                unit = Unit.objects.filter(code=who).first()
                if unit is None:
                    plan.error(line, "recipient_code_or_name", f"Không có đơn vị mã “{who}”.")
                    continue
                nominee = (
                    NomineeKind.HOUSEHOLD if unit.kind == "household" else NomineeKind.COLLECTIVE
                )
            else:
                person = Person.objects.filter(code=who).first() if who else None
                if person is None:
                    matches = list(Person.objects.filter(full_name=who)[:2])
                    if len(matches) > 1:
                        plan.error(
                            line,
                            "recipient_code_or_name",
                            f"Có nhiều người tên “{who}”; ghi mã cá nhân thay cho họ tên.",
                        )
                        continue
                    person = matches[0] if matches else None
                if person is None:
                    plan.error(line, "recipient_code_or_name", f"Không tìm thấy cá nhân “{who}”.")
                    continue
                nominee = NomineeKind.INDIVIDUAL
            if not tier.accepts(nominee):
                what = (
                    "danh hiệu thi đua" if tier.kind == TierKind.TITLE else "hình thức khen thưởng"
                )
                plan.error(
                    line,
                    "tier_code",
                    f"“{tier.name}” là {what} không dành cho {NomineeKind(nominee).label.lower()}.",
                )
                continue
            number = row["decision_number"]
            if not number:
                plan.error(line, "decision_number", "Thiếu số quyết định.")
                continue
            key = _key(
                tier.pk,
                unit.pk if unit is not None else None,
                person.pk if person is not None else None,
                number,
            )
            existing = awards.get(key)
            day = None
            if row["decision_date"]:
                day = _date(row["decision_date"])
                if day is None:
                    plan.error(
                        line,
                        "decision_date",
                        "Ngày quyết định phải theo dạng YYYY-MM-DD (hoặc ngày/tháng/năm).",
                    )
                    continue
            elif existing is None:
                plan.error(line, "decision_date", "Thiếu ngày quyết định.")
                continue
            campaign = None
            if row["campaign_code"]:
                campaign = campaigns.get(row["campaign_code"])
                if campaign is None:
                    plan.error(
                        line, "campaign_code", f"Không có phong trào mã “{row['campaign_code']}”."
                    )
                    continue
            year = None
            if row.get("year"):
                try:
                    year = int(row["year"])
                except ValueError:
                    year = None
                if year is None or not 1945 <= year <= 2100:
                    plan.error(line, "year", f"Năm thành tích “{row['year']}” không hợp lệ.")
                    continue
            values = (day, campaign.pk if campaign else None, year)
            if key in seen:
                first_line, first_values = seen[key]
                if first_values != values:
                    plan.error(
                        line,
                        "decision_number",
                        f"Trùng khen thưởng ở dòng {first_line} (cùng quyết định, hình thức và "
                        "đối tượng) nhưng khác nội dung.",
                    )
                    continue
                plan.unchanged += 1  # the same award twice in the file: kept once
                continue
            seen[key] = (line, values)
            change = _Row(line, unit, person, tier, number, day, campaign, existing, year)
            if existing is not None:
                change.action = "update"
                change.diff = _diff(existing, day=day, campaign=campaign, year=year)
                if not change.diff:
                    plan.unchanged += 1
                    continue
                plan.updated += 1
            else:
                plan.created += 1
            plan.changes.append(change)
        return plan

    def apply(self, plan: Plan, *, user=None) -> None:
        for row in plan.changes:
            if row.existing is not None:
                award = row.existing
                for name, _label, _old, new in row.diff:
                    setattr(award, name, new)
                award._history_user = user
                award.save(update_fields=[name for name, *_ in row.diff])
                continue
            category = (
                AwardCategory.MERIT
                if row.tier.kind == TierKind.TITLE or row.campaign is None
                else AwardCategory.THEMATIC
            )
            award = Award(
                unit=row.unit,
                person=row.person,
                tier=row.tier,
                category=category,
                year=row.year
                or (
                    row.day.year
                    if row.tier.kind == TierKind.FORM
                    else row.day.year - (1 if row.day.month <= 6 else 0)
                ),
                decision_number=row.number,
                decision_date=row.day,
                campaign=row.campaign,
                source=AwardSource.IMPORT,
            )
            award._history_user = user  # type: ignore[attr-defined]  # read by simple_history
            award.save()

    def export_rows(self, **options):
        qs = Award.objects.select_related("unit", "person", "tier", "campaign").order_by(
            "decision_date", "pk"
        )
        if options.get("year"):
            qs = qs.filter(year=options["year"])
        for a in qs:
            yield [
                "person" if a.person_id else "unit",
                recipient_code(a),
                a.tier.code,
                a.decision_number,
                a.decision_date.isoformat(),
                a.campaign.code if a.campaign is not None else "",
            ]


def recipient_code(award: Award) -> str:
    """What the file's recipient_code_or_name holds: a unit's code, a person's code or name."""
    recipient = award.recipient
    if isinstance(recipient, Person):
        return recipient.code or recipient.full_name
    return recipient.code


def _diff(award: Award, *, day, campaign, year) -> list[tuple[str, str, object, object]]:
    """What the row changes on a stored award; a value the file did not bring is kept."""
    diff: list[tuple[str, str, object, object]] = []
    if day is not None and day != award.decision_date:
        diff.append(("decision_date", "ngày quyết định", award.decision_date, day))
    if campaign is not None and campaign.pk != award.campaign_id:
        old = award.campaign.code if award.campaign is not None else None
        diff.append(("campaign", "phong trào", old, campaign))
    if year is not None and year != award.year:
        diff.append(("year", "năm thành tích", award.year, year))
    return diff
