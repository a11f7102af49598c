"""Which authority issues a document on a given date, and what the document prints for it.

An authority's record (`units.models.Authority`) is dated. A campaign names the authority that
issued its plan; a document of that campaign dated D is issued by the authority in force on D,
found by following `successor` from the plan's authority (thị xã Đức Phổ until 30/06/2025, then
the body that took its documents over). A document never names a body that did not exist on its
date: `in_force` raises `NoAuthority` with a message that names what is missing, and
`check_in_force` refuses an explicitly chosen authority with the name of the one in force.

`issuer` turns an authority into the plain dict a document prints (header, date line place,
signature block, recipients); a signed document stores that dict, so later edits of the
authority record never change how it reads. Sources: docs/authorities.md.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q

from .models import Authority, AuthorityLevel

#: District-level government ends and two-level local government begins (Law 72/2025/QH15,
#: Art. 51 cl. 3; docs/authorities.md A3).
TWO_LEVEL_GOVERNMENT = datetime.date(2025, 7, 1)

#: The signer an invented document prints when its authority is real: a document made from
#: sample data never carries the name of a real official.
SAMPLE_SIGNER = "Nguyễn Văn A (mẫu)"


class NoAuthority(ValidationError):
    """No authority was in force on the document's date."""


def _d(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def in_force(start: Authority, day: datetime.date) -> Authority:
    """The authority in force on `day` in the chain that starts at `start` (the plan's issuer)."""
    authority, seen = start, set()
    while authority.valid_to is not None and day > authority.valid_to:
        seen.add(authority.pk)
        successor = authority.successor
        if successor is None or successor.pk in seen:
            raise NoAuthority(
                f"{authority.body} chấm dứt hoạt động từ ngày "
                f"{_d(authority.valid_to + datetime.timedelta(days=1))}; chưa khai báo cơ quan "
                f"tiếp nhận nên không thể ban hành văn bản ngày {_d(day)}. Bộ phận thường trực "
                "khai báo cơ quan tiếp nhận tại mục “Cơ quan ban hành”."
            )
        authority = successor
    if day < authority.valid_from:
        raise NoAuthority(
            f"Ngày {_d(day)} {authority.body} chưa được thành lập (hiệu lực từ "
            f"{_d(authority.valid_from)})."
        )
    return authority


def check_in_force(authority: Authority, day: datetime.date, *, start: Authority | None = None):
    """Refuse a document dated `day` in the name of `authority` when it was not in force then;
    the message names the authority in force (from the chain of `start`, default `authority`)."""
    if authority.is_in_force_on(day):
        return
    try:
        current = in_force(start or authority, day)
        instead = f" Cơ quan có thẩm quyền ngày đó là {current.body}."
    except NoAuthority:
        instead = ""
    if day < authority.valid_from:
        why = f"chưa được thành lập (hiệu lực từ {_d(authority.valid_from)})"
    else:
        why = f"đã chấm dứt hoạt động từ ngày {_d(authority.valid_to + datetime.timedelta(days=1))}"
    raise NoAuthority(
        f"Không thể ban hành văn bản ngày {_d(day)} nhân danh {authority.body}: cơ quan này "
        f"{why}.{instead}"
    )


def in_force_on(day: datetime.date):
    """Authorities in force on `day` (for choosing who issues a decision)."""
    return Authority.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def sign_lines(authority: Authority, *, collective: bool) -> list[str]:
    """The signature block's authority lines (Decree 30/2020, Appendix I, section II.8):
    a collective body signs "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"; a chairman deciding in his own
    name signs "CHỦ TỊCH"; a deputy signing for him adds "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"."""
    lines = [authority.collective_line] if collective and authority.collective_line else []
    if authority.deputy_signs and authority.deputy_name:
        lines += [f"KT. {authority.signer_title}", authority.deputy_title]
    else:
        lines.append(authority.signer_title)
    return lines


def issuer(authority: Authority, *, collective: bool = True) -> dict[str, Any]:
    """What a document prints for its authority (stored with a signed document)."""
    deputy = authority.deputy_signs and bool(authority.deputy_name)
    return {
        "authority_id": authority.pk,
        "code": authority.code,
        "level": authority.level,
        # Who executes its decisions differs by level (Article 3 of an award decision).
        "is_province": authority.level == AuthorityLevel.PROVINCE,
        "is_district": authority.level == AuthorityLevel.DISTRICT,
        "parent_body": authority.parent_body,
        "body": authority.body,
        "body_in_text": authority.name_in_text,
        "place": authority.place,
        "symbol": authority.symbol,
        "sign_lines": sign_lines(authority, collective=collective),
        "signer_name": authority.deputy_name if deputy else authority.signer_name,
        "signer_is_deputy": deputy,
        "chairman_title": authority.signer_title,
        "council_name": authority.council_name
        or f"Hội đồng Thi đua – Khen thưởng {authority.name_in_text}",
        "recipients": authority.recipient_lines(),
        "valid_from": authority.valid_from.isoformat(),
        "valid_to": authority.valid_to.isoformat() if authority.valid_to else "",
        "is_sample": authority.is_sample,
    }


def locality_of(unit):
    """The commune or ward a unit belongs to (itself, or up its parents); None for a unit that
    belongs to no locality (a department of the former town, an enterprise without one)."""
    from .models import UnitKind

    seen = set()
    while unit is not None and unit.pk not in seen:
        seen.add(unit.pk)
        if unit.kind in (UnitKind.COMMUNE, UnitKind.WARD):
            return unit
        unit = unit.parent
    return None


def outside_area(authority: Authority, unit) -> str:
    """Why `unit` is not in the area of a commune-level `authority` ("" when it is, or when the
    unit belongs to no locality): after 01/07/2025 each commune's chairman decides the awards
    in its own area (docs/authorities.md §3–4), an old commune's through its successor."""
    if authority.unit_id is None or unit is None:
        return ""
    locality = locality_of(unit)
    if locality is None or locality.pk == authority.unit_id:
        return ""
    successors = list(locality.successors.all())
    if any(s.pk == authority.unit_id for s in successors):
        return ""
    if successors:
        names = ", ".join(s.name for s in successors)
        return f"{locality.name} nay thuộc {names}, không thuộc địa bàn {authority.body}"
    return f"{locality.name} không thuộc địa bàn {authority.body}"
