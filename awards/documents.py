"""Pure data for the PDFs the reports app renders (decision, council minutes, certificates).

Each function returns a plain dict (no model instances), everything the layout needs; names are
exactly as recorded. Contract documented in docs/awards.md.
"""

from __future__ import annotations

import datetime
import re

from django.db.models import Q

from .models import (
    AwardDecision,
    BonusRate,
    CouncilSession,
    MemberRole,
    Nomination,
)


def _amount(nomination: Nomination, day: datetime.date) -> int | None:
    rate = (
        BonusRate.objects.filter(
            tier=nomination.tier, nominee_kind=nomination.nominee_kind, valid_from__lte=day
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )
    return int(rate.amount_vnd) if rate else None


def _recipient(n: Nomination) -> dict:
    person = n.person if n.person_id else None
    return {
        "nominee_kind": n.nominee_kind,
        "nominee_kind_label": n.nominee_kind_label,
        "name": n.recipient_name,
        "code": (person.code if person else n.unit.code) or "",
        "position": person.position if person else "",
        "affiliation": (person.affiliation.name if person and person.affiliation_id else ""),
        "gender": person.get_gender_display() if person else "",
        "birth_year": person.birth_year if person else None,
        "is_sample": n.is_sample,
    }


def _decimal_comma(text: str) -> str:
    """Tallies stored before the minutes wrote "100,0%" read "100.0%": the same figure, written
    the Vietnamese way."""
    return re.sub(r"(\d)\.(\d+)%", r"\1,\2%", text)


def decision_document(decision_id: int) -> dict:
    """The chairman's award decision: header, legal bases, the awards granted."""
    d = AwardDecision.objects.select_related("campaign", "signed_by", "session").get(pk=decision_id)
    nominations = d.nominations.select_related("tier", "unit", "person__affiliation").order_by(
        "tier__order", "pk"
    )
    nominations = list(nominations)
    sample = (
        d.is_sample
        or d.campaign.is_sample
        or (d.session_id is not None and d.session.is_sample)
        or any(n.is_sample for n in nominations)
    )
    awards = []
    for i, n in enumerate(nominations, start=1):
        awards.append(
            {
                "no": i,
                **_recipient(n),
                "tier_code": n.tier.code,
                "tier_name": n.tier.name,
                "tier_kind": n.tier.kind,
                "achievements": n.achievements,
                "amount_vnd": _amount(n, d.decision_date),
            }
        )
    return {
        "kind": "award_decision",
        # Who issues, signs and receives it comes from the authority in force on the date the
        # document carries (units.authorities; the reports app resolves it).
        "authority_id": d.authority_id,
        "is_sample": sample,
        "number": d.number,
        "date": d.decision_date,
        "title": d.title,
        "legal_bases": [b.strip() for b in d.legal_bases.splitlines() if b.strip()],
        "campaign_title": d.campaign.title,
        "campaign_code": d.campaign.code,
        "session_title": d.session.title if d.session_id else "",
        "status": d.status,
        "signed_by": d.signed_by.display_name if d.signed_by_id else "",
        "signed_at": d.signed_at,
        "awards": awards,
        "total_amount_vnd": sum(a["amount_vnd"] or 0 for a in awards) or None,
    }


def minutes_document(session_id: int) -> dict:
    """Council minutes: members and attendance, each item's tally and outcome. Secret-ballot
    items carry counts only."""
    s = CouncilSession.objects.select_related("campaign", "closed_by").get(pk=session_id)
    rank = {"chair": 0, "vice": 1, "member": 2, "secretary": 3}
    seats = sorted(s.seats.select_related("user"), key=lambda x: (rank.get(x.role, 9), x.pk))
    chair = next((x for x in seats if x.role == MemberRole.CHAIR), None)
    secretary = next((x for x in seats if x.role == MemberRole.SECRETARY), None)
    items = []
    for item in s.items.select_related(
        "nomination__tier", "nomination__unit", "nomination__person__affiliation"
    ).prefetch_related("recused"):
        n = item.nomination
        items.append(
            {
                "no": item.order,
                **_recipient(n),
                "tier_name": n.tier.name,
                "tier_code": n.tier.code,
                "secret_ballot": item.secret_ballot,
                "agree": item.tally.get("agree", 0),
                "disagree": item.tally.get("disagree", 0),
                "abstain": item.tally.get("abstain", 0),
                "written": item.tally.get("written", 0),
                "recused": [u.display_name for u in item.recused.all()],
                "outcome": item.outcome,
                "outcome_label": item.get_outcome_display(),
                "explanation": _decimal_comma(item.tally.get("explanation", "")),
                "rule": _decimal_comma(item.tally.get("rule", "")),
                "override_reason": n.override_reason,
            }
        )
    sample = s.is_sample or s.campaign.is_sample or any(i["is_sample"] for i in items)
    return {
        "kind": "council_minutes",
        "authority_id": s.authority_id,
        "title": s.title,
        "date": s.meeting_date,
        "location": s.location,
        "status": s.status,
        "closed_at": s.closed_at,
        "started_at": s.started_at,
        "ended_at": s.ended_at,
        "chair": chair.user.display_name if chair else "",
        "secretary": secretary.user.display_name if secretary else "",
        "is_sample": sample,
        "members": [
            {
                "name": x.user.display_name,
                "position": x.user.position,
                "role": x.get_role_display(),
                "attendance": x.attendance,
                "attendance_label": x.get_attendance_display(),
            }
            for x in seats
        ],
        "members_total": len(seats),
        "members_present": sum(1 for x in seats if x.attendance == "present"),
        "items": items,
    }


def certificates_document(decision_id: int) -> dict:
    """One certificate (Giấy khen) per awardee of a signed decision."""
    doc = decision_document(decision_id)
    return {
        "kind": "certificates",
        "decision_number": doc["number"],
        "decision_date": doc["date"],
        "is_sample": doc["is_sample"],
        "certificates": [
            {
                "name": a["name"],
                "nominee_kind": a["nominee_kind"],
                "position": a["position"],
                "affiliation": a["affiliation"],
                "tier_name": a["tier_name"],
                "achievements": a["achievements"],
                "campaign_title": doc["campaign_title"],
                "decision_number": doc["number"],
                "decision_date": doc["date"],
            }
            for a in doc["awards"]
        ],
    }
