"""Writes for campaigns, criteria sets, NTM status and contributions. Each service is one
transaction and raises ValidationError with a Vietnamese message when a rule fails."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, prefetch_related_objects
from django.forms import BaseInlineFormSet
from django.utils import timezone

from portal.audit import audited_update
from portal.concurrency import absent_key, guarded_changes
from portal.models import User
from portal.numbers import format_vn_number
from portal.rows import acting, save_row
from units.models import Unit, UnitKind

from ..models import (
    VILLAGE_LEVELS,
    Campaign,
    Contribution,
    CriteriaSet,
    CriteriaSetStatus,
    Criterion,
    NtmCriterion,
    NtmCriterionSet,
    NtmLevel,
    NtmStatus,
)
from .derived import refresh_ntm_derived

#: Above these a figure is a typing error, not a contribution (one commune, one row).
MAX_MONEY_VND = Decimal("1000000000000")  # 1.000 tỷ đồng
MAX_WORK_DAYS = Decimal("10000000")
MAX_LAND_M2 = Decimal("100000000")  # 100 km²


# --- Campaigns --------------------------------------------------------------------------------


@transaction.atomic
def campaign_save(
    *,
    campaign: Campaign | None,
    values: Mapping[str, Any],
    by: User,
    copy_criteria_from: Campaign | None = None,
) -> Campaign:
    """Create (`campaign=None`) or update a campaign; a new campaign may copy the latest
    version of every criteria set of an earlier campaign (as editable version 1)."""
    creating = campaign is None
    campaign = save_row(campaign or Campaign(), values, by=by)
    if creating and copy_criteria_from is not None:
        latest: dict[str, CriteriaSet] = {}
        for criteria_set in copy_criteria_from.criteria_sets.order_by("target_group", "-version"):
            latest.setdefault(criteria_set.target_group, criteria_set)
        prefetch_related_objects(list(latest.values()), "criteria")  # one query for all sets
        for source in latest.values():
            _copy_criteria_set(source, campaign=campaign, version=1, previous=None)
    return campaign


@transaction.atomic
def campaign_plan_save(
    *,
    campaign: Campaign,
    targets_formset: BaseInlineFormSet[Any, Campaign, Any],
    milestones_formset: BaseInlineFormSet[Any, Campaign, Any],
) -> None:
    """Save a campaign's targets and milestones together (both formsets already valid)."""
    targets_formset.instance = campaign
    milestones_formset.instance = campaign
    try:
        targets_formset.save()
        milestones_formset.save()
    except IntegrityError as exc:
        raise ValidationError("Mỗi loại mốc chỉ có một mốc cho mỗi năm.") from exc


# --- Criteria sets ----------------------------------------------------------------------------


def _copy_criteria_set(
    source: CriteriaSet, *, campaign: Campaign, version: int, previous: CriteriaSet | None
) -> CriteriaSet:
    copy = CriteriaSet.objects.create(
        campaign=campaign,
        target_group=source.target_group,
        version=version,
        name=source.name,
        legal_basis=source.legal_basis,
        valid_from=None if previous is None else timezone.localdate(),
        valid_to=None,
        status=CriteriaSetStatus.EDITABLE,
        previous=previous,
    )
    Criterion.objects.bulk_create(
        Criterion(
            criteria_set=copy,
            number=c.number,
            text=c.text,
            value_type=c.value_type,
            max_points=c.max_points,
            evidence_required=c.evidence_required,
            guidance=c.guidance,
        )
        for c in source.criteria.all()  # by number (Criterion.Meta.ordering)
    )
    return copy


def _lock_editable(criteria_set: CriteriaSet) -> CriteriaSet:
    locked = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    if locked.status != CriteriaSetStatus.EDITABLE:
        raise ValidationError(
            "Bộ tiêu chí này đã được dùng để chấm điểm nên không sửa được nữa. "
            "Hãy tạo phiên bản mới để thay đổi."
        )
    return locked


@transaction.atomic
def criteria_set_save(
    *,
    criteria_set: CriteriaSet,
    values: Mapping[str, Any],
    criteria_formset: BaseInlineFormSet[Criterion, CriteriaSet, Any],
    by: User,
) -> CriteriaSet:
    """Save a criteria set and its criteria (the rows of the set's formset, already valid);
    refused once the set is in use."""
    _lock_editable(criteria_set)
    criteria_set = save_row(criteria_set, values, by=by)
    criteria_formset.instance = criteria_set
    try:
        with transaction.atomic():
            criteria_formset.save()
    except IntegrityError as exc:
        raise ValidationError("Hai tiêu chí trong một bộ không được trùng số thứ tự.") from exc
    return criteria_set


@transaction.atomic
def criteria_set_create(*, campaign: Campaign, values: Mapping[str, Any], by: User) -> CriteriaSet:
    """A new set for a target group that has none yet (version 1)."""
    if CriteriaSet.objects.filter(campaign=campaign, target_group=values["target_group"]).exists():
        raise ValidationError(
            "Đối tượng này đã có bộ tiêu chí; hãy sửa bộ hiện có hoặc tạo phiên bản mới."
        )
    return save_row(CriteriaSet(campaign=campaign, version=1), values, by=by)


@transaction.atomic
def criteria_set_new_version(*, criteria_set: CriteriaSet, by: User) -> CriteriaSet:
    """Copy a locked set to version+1 (editable, linked to the previous one); the old version
    stays attached to the scores given under it and is marked replaced."""
    source = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    if source.status == CriteriaSetStatus.EDITABLE:
        raise ValidationError("Bộ tiêu chí này vẫn đang được sửa; chưa cần tạo phiên bản mới.")
    newest = (
        CriteriaSet.objects.filter(campaign=source.campaign, target_group=source.target_group)
        .order_by("-version")
        .first()
    )
    if newest is not None and newest.pk != source.pk:
        raise ValidationError(
            f"Đã có phiên bản mới hơn (phiên bản {newest.version}); hãy sửa phiên bản đó."
        )
    copy = _copy_criteria_set(
        source, campaign=source.campaign, version=source.version + 1, previous=source
    )
    audited_update(
        CriteriaSet.objects.filter(pk=source.pk),
        actor=by,
        reason=f"Thay bằng phiên bản {copy.version}",
        status=CriteriaSetStatus.RETIRED,
        valid_to=timezone.localdate(),
    )
    return copy


# --- NTM criteria status ----------------------------------------------------------------------


def ntm_criterion_set_for(year: int, campaign: Campaign | None = None) -> NtmCriterionSet | None:
    """The national criteria set for a year: the campaign's own, else the one in force on 31/12
    of that year (campaigns/reference.py installs them with `migrate`); None when no set is in
    force that year: criteria numbers then cannot be stored, and `ntm_check` says so."""
    if campaign is not None and campaign.ntm_criterion_set_id:
        return campaign.ntm_criterion_set
    if not 1 <= year <= 9999:
        return None
    day = datetime.date(year, 12, 31)
    valid = (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    return NtmCriterionSet.objects.filter(valid).order_by("-valid_from", "code").first()


def ntm_check(
    *,
    unit: Unit,
    year: int,
    level: str,
    numbers: Iterable[int],
    criterion_set: NtmCriterionSet | None,
    campaign: Campaign | None = None,
) -> dict[str, str]:
    """Field → Vietnamese message for every rule an NTM status breaks (empty when fine)."""
    errors: dict[str, str] = {}
    numbers = list(numbers)
    if not 2000 <= year <= 2100:
        errors["year"] = "Năm phải từ 2000 đến 2100."
    elif campaign is not None and not campaign.start_year <= year <= campaign.end_year:
        errors["year"] = (
            f"Năm {year} nằm ngoài giai đoạn của phong trào "
            f"({campaign.start_year}–{campaign.end_year})."
        )
    if unit.kind == UnitKind.VILLAGE:
        if level not in VILLAGE_LEVELS:
            errors["level"] = (
                "Thôn chỉ có mức: none (chưa đạt), ntm (đạt chuẩn) hoặc model (kiểu mẫu)."
            )
    elif unit.kind == UnitKind.COMMUNE:
        if level not in NtmLevel.values:
            errors["level"] = "Mức đạt chuẩn phải là none, ntm, advanced hoặc model."
    else:
        errors["unit"] = "Chỉ xã và thôn có kết quả tiêu chí nông thôn mới."
    # Criteria are stored as rows of the set in force: a number that has no row would be lost.
    known = {c.number for c in criterion_set.criteria.all()} if criterion_set is not None else set()
    bad = [n for n in numbers if n not in known]
    if numbers and criterion_set is None:
        errors["criteria_met"] = (
            f"Chưa có bộ tiêu chí quốc gia về nông thôn mới áp dụng cho năm {year}, nên không "
            "ghi nhận được các tiêu chí đạt. Đề nghị kiểm tra lại năm, hoặc liên hệ quản trị "
            "hệ thống bổ sung bộ tiêu chí áp dụng cho năm này."
        )
    elif bad and criterion_set is not None:
        errors["criteria_met"] = (
            f"Bộ tiêu chí áp dụng năm {year} ({criterion_set.name}) có các tiêu chí số "
            f"từ {min(known, default=0)} đến {max(known, default=0)}; không có tiêu chí số "
            + ", ".join(str(n) for n in bad)
            + "."
        )
    elif len(set(numbers)) != len(numbers):
        errors["criteria_met"] = "Một tiêu chí được ghi hai lần."
    elif "level" not in errors and "unit" not in errors:
        errors.update(
            ntm_level_errors(kind=unit.kind, level=level, numbers=numbers, size=len(known) or 19)
        )
    return errors


def ntm_status_key(unit: Unit, year: int) -> str:
    """The edit guard's key for a unit's status of a year the page showed as not recorded yet."""
    return absent_key(NtmStatus, unit=unit.pk, year=year)


def ntm_level_errors(*, kind: str, level: str, numbers: Iterable[int], size: int) -> dict[str, str]:
    """The level must follow from the criteria met (docs/results.md, "Levels and criteria").

    A commune is NTM only when it meets every criterion of the national set in force (QĐ
    318/QĐ-TTg: 19 of 19). Advanced NTM (QĐ 318, second set) is granted only to a commune that
    already meets the NTM standard, and a model commune (QĐ 319/QĐ-TTg) must first meet the
    advanced standard, so both also need every NTM criterion; the portal records no other
    criteria, so that is what it can check. A village records no national criteria (its
    criteria are the province's): it must not carry any. The form and the importer call this
    through `ntm_check`; the form also calls it directly from `clean()`."""
    met = set(numbers)
    if kind == UnitKind.VILLAGE:
        if met:
            return {
                "criteria_met": "Thôn không ghi tiêu chí quốc gia về xã nông thôn mới; "
                "chỉ ghi mức đạt chuẩn của thôn."
            }
        return {}
    if level in (NtmLevel.NTM, NtmLevel.ADVANCED, NtmLevel.MODEL) and len(met) < size:
        return {
            "level": f"Mức “{NtmLevel(level).label}” đòi hỏi xã đạt đủ {size}/{size} tiêu chí "
            f"của Bộ tiêu chí quốc gia về xã nông thôn mới; kết quả này mới có {len(met)}/{size} "
            "tiêu chí đạt. Hãy đánh dấu đủ các tiêu chí đã đạt hoặc chọn “Chưa đạt chuẩn”."
        }
    return {}


@transaction.atomic
def ntm_status_save(
    *,
    unit: Unit,
    year: int,
    level: str,
    numbers: Iterable[int],
    recognition_decision: str = "",
    recognition_date: datetime.date | None = None,
    note: str = "",
    campaign: Campaign | None = None,
    by: User | None = None,
    seen: str | None = None,
    derive: bool = True,
) -> NtmStatus:
    """Record which criteria a commune met in a year and its level (a village: its level).

    The unit's derived lost criteria (campaigns.results.derived) are renewed in the same
    transaction; a caller saving many units may pass `derive=False` and call
    `refresh_ntm_derived(unit_ids)` once for all of them before its transaction ends.

    `seen` is the edit form's token (portal/concurrency.py): only the fields the person changed
    are written, and a change someone else made to one of them since the page was built refuses
    the save. Imports and commands pass none (they have their own preview). Any change to a
    confirmed status clears the confirmation; the history keeps both."""
    numbers = sorted(set(numbers))
    criterion_set = ntm_criterion_set_for(year, campaign)
    errors = ntm_check(
        unit=unit,
        year=year,
        level=level,
        numbers=numbers,
        criterion_set=criterion_set,
        campaign=campaign,
    )
    if errors:
        raise ValidationError(errors)
    status, created = NtmStatus.objects.select_for_update().get_or_create(unit=unit, year=year)
    criteria = (
        list(NtmCriterion.objects.filter(criterion_set=criterion_set, number__in=numbers))
        if criterion_set is not None and numbers
        else []
    )
    mine: dict[str, Any] = {
        "level": level,
        "criteria_met": sorted(c.pk for c in criteria),
        "recognition_decision": recognition_decision,
        "recognition_date": recognition_date,
        "note": note,
    }
    if seen is not None:
        mine = guarded_changes(
            status,
            seen,
            mine,
            absent=ntm_status_key(unit, year),
            created=created,
            what=f"kết quả NTM năm {year} của {unit.name}",
        )
    else:
        old = {
            "level": status.level,
            "criteria_met": sorted(status.criteria_met.values_list("pk", flat=True)),
            "recognition_decision": status.recognition_decision,
            "recognition_date": status.recognition_date,
            "note": status.note,
        }
        mine = {k: v for k, v in mine.items() if v != old[k]}
    if not mine and not created:
        return status
    for name, value in mine.items():
        if name != "criteria_met":
            setattr(status, name, value)
    if "criteria_met" in mine:
        status.criteria_met_count = len(mine["criteria_met"])
    status.is_sample = False
    status.confirmed_at = None
    status.confirmed_by = None
    if by is not None and getattr(by, "is_authenticated", False):
        acting(status, by)
    status.save()
    if "criteria_met" in mine:
        status.criteria_met.set(mine["criteria_met"])
    if derive and (created or "criteria_met" in mine):
        # This year's lost criteria and every later year's depend on these criteria.
        refresh_ntm_derived([unit.pk])
    return status


@transaction.atomic
def ntm_status_confirm(*, status: NtmStatus, by: User, seen: str | None = None) -> NtmStatus:
    """The economic office confirms a commune's or village's status for a year — the values its
    page showed (`seen`): if the record changed since, the confirmation is refused with what
    changed, so nobody confirms figures they never saw."""
    locked = NtmStatus.objects.select_for_update().get(pk=status.pk)
    if locked.confirmed_at is not None:
        raise ValidationError("Kết quả này đã được xác nhận.")
    if seen is not None:
        guarded_changes(
            locked,
            seen,
            {},
            merge=False,
            what=f"kết quả NTM năm {locked.year} của {locked.unit.name}",
        )
    locked.confirmed_at = timezone.now()
    locked.confirmed_by = by
    acting(locked, by)
    locked.save(update_fields=["confirmed_at", "confirmed_by"])
    return locked


# --- Contributions ----------------------------------------------------------------------------


def contribution_check(
    *,
    year: int | None,
    money_vnd: Decimal | None,
    work_days: Decimal | None,
    land_m2: Decimal | None,
    campaign: Campaign | None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if year is not None:
        if not 2000 <= year <= 2100:
            errors["year"] = "Năm phải từ 2000 đến 2100."
        elif campaign is not None and not campaign.start_year <= year <= campaign.end_year:
            errors["year"] = (
                f"Năm {year} nằm ngoài giai đoạn của phong trào "
                f"({campaign.start_year}–{campaign.end_year})."
            )
    for name, value, limit, label in (
        ("money_vnd", money_vnd, MAX_MONEY_VND, "Số tiền"),
        ("work_days", work_days, MAX_WORK_DAYS, "Số ngày công"),
        ("land_m2", land_m2, MAX_LAND_M2, "Diện tích đất"),
    ):
        if value is None:
            continue
        if value < 0:
            errors[name] = f"{label} không được âm."
        elif value > limit:
            errors[name] = (
                f"{label} quá lớn (tối đa {format_vn_number(limit, 0)}); hãy kiểm tra lại."
            )
    return errors


@transaction.atomic
def contribution_save(
    *,
    contribution: Contribution | None,
    commune: Unit,
    campaign: Campaign | None,
    year: int,
    contributor: str,
    contributor_kind: str,
    money_vnd: Decimal,
    work_days: Decimal,
    land_m2: Decimal,
    in_kind: str,
    note: str,
    by: User | None = None,
) -> Contribution:
    """Create (`contribution` None) or update one contribution of a commune (the commune comes
    from the URL or the user's scope, never from a hidden field)."""
    errors = contribution_check(
        year=year,
        money_vnd=money_vnd,
        work_days=work_days,
        land_m2=land_m2,
        campaign=campaign,
    )
    if commune.kind != UnitKind.COMMUNE:
        errors["commune"] = "Đóng góp được ghi cho một xã."
    if errors:
        raise ValidationError(errors)
    contribution = contribution or Contribution()
    contribution.year = year
    contribution.contributor = contributor
    contribution.contributor_kind = contributor_kind
    contribution.money_vnd = money_vnd
    contribution.work_days = work_days
    contribution.land_m2 = land_m2
    contribution.in_kind = in_kind
    contribution.note = note
    contribution.commune = commune
    if contribution.campaign_id is None:
        contribution.campaign = campaign
    if contribution.pk is None:
        contribution.is_sample = False
    acting(contribution, by)
    contribution.save()
    return contribution
