"""`import_data awards`: past awards for the eligibility history (DESIGN.md data exchange)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from campaigns.models import Campaign
from portal.dataexchange import Importer, Plan, Table, register_importer
from units.models import Person, Unit

from .models import Award, AwardCategory, AwardSource, AwardTier, NomineeKind, TierKind


@dataclass
class _Row:
    line: int
    unit: Unit | None
    person: Person | None
    tier: AwardTier
    number: str
    day: datetime.date
    campaign: Campaign | None
    existing: Award | None


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
    capability = "award.import"

    def plan(self, table: Table) -> Plan:
        plan = Plan()
        tiers = {t.code: t for t in AwardTier.objects.all()}
        campaigns = {c.code: c for c in Campaign.objects.all()}
        seen: set[tuple] = set()
        for line, row in table.rows:
            kind = row["recipient_kind"].lower()
            who = row["recipient_code_or_name"]
            tier = tiers.get(row["tier_code"])
            if kind not in ("unit", "person"):
                plan.error(
                    line, "recipient_kind", "Chỉ nhận “unit” (tập thể, hộ) hoặc “person” (cá nhân)."
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
                person = Person.objects.filter(code=who).first()
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
            try:
                day = datetime.date.fromisoformat(row["decision_date"])
            except ValueError:
                plan.error(line, "decision_date", "Ngày quyết định phải theo dạng YYYY-MM-DD.")
                continue
            campaign = None
            if row["campaign_code"]:
                campaign = campaigns.get(row["campaign_code"])
                if campaign is None:
                    plan.error(
                        line, "campaign_code", f"Không có phong trào mã “{row['campaign_code']}”."
                    )
                    continue
            key = (tier.pk, "u" if unit else "p", (unit or person).pk, number)
            if key in seen:
                plan.unchanged += 1  # the same award twice in the file: kept once
                continue
            seen.add(key)
            existing = Award.objects.filter(
                tier=tier, unit=unit, person=person, decision_number=number
            ).first()
            if (
                existing
                and existing.decision_date == day
                and existing.campaign_id == (campaign.pk if campaign else None)
            ):
                plan.unchanged += 1
                continue
            if existing:
                plan.updated += 1
            else:
                plan.created += 1
            plan.changes.append(_Row(line, unit, person, tier, number, day, campaign, existing))
        return plan

    def apply(self, plan: Plan, *, user=None) -> None:
        for row in plan.changes:
            category = (
                AwardCategory.MERIT
                if row.tier.kind == TierKind.TITLE or row.campaign is None
                else AwardCategory.THEMATIC
            )
            if row.existing:
                row.existing.decision_date = row.day
                row.existing.campaign = row.campaign
                row.existing.year = row.day.year
                row.existing.save(update_fields=["decision_date", "campaign", "year"])
            else:
                Award.objects.create(
                    unit=row.unit,
                    person=row.person,
                    tier=row.tier,
                    category=category,
                    year=row.day.year
                    if row.tier.kind == TierKind.FORM
                    else row.day.year - (1 if row.day.month <= 6 else 0),
                    decision_number=row.number,
                    decision_date=row.day,
                    campaign=row.campaign,
                    source=AwardSource.IMPORT,
                )

    def export_rows(self, **options):
        qs = Award.objects.select_related("unit", "person", "tier", "campaign").order_by(
            "decision_date", "pk"
        )
        if options.get("year"):
            qs = qs.filter(year=options["year"])
        for a in qs:
            yield [
                "person" if a.person_id else "unit",
                (a.person.code or a.person.full_name) if a.person_id else a.unit.code,
                a.tier.code,
                a.decision_number,
                a.decision_date.isoformat(),
                a.campaign.code if a.campaign_id else "",
            ]
