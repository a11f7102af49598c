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
    TierKind,
)


def _rate(nomination: Nomination, day: datetime.date) -> BonusRate | None:
    return (
        BonusRate.objects.filter(
            tier=nomination.tier, nominee_kind=nomination.nominee_kind, valid_from__lte=day
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )


def _amount(nomination: Nomination, day: datetime.date) -> int | None:
    rate = _rate(nomination, day)
    return int(rate.amount_vnd) if rate else None


LAW2022_IN_FORCE = datetime.date(2024, 1, 1)
# Giấy khen given by the chairman who signs the decision (town until 30/06/2025, then commune).
OWN_GIAY_KHEN = {"giay-khen-chu-tich-thi-xa", "giay-khen-chu-tich-xa"}


def _count_label(rows: list[dict]) -> str:
    """“01 tập thể và 02 cá nhân”, as a decision counts its awardees."""
    kinds = [("collective", "tập thể"), ("individual", "cá nhân"), ("household", "hộ gia đình")]
    parts = []
    for key, label in kinds:
        n = sum(1 for r in rows if r["nominee_kind"] == key)
        if n:
            parts.append(f"{n:02d} {label}")
    return " và ".join(parts)


def _groups(awards: list[dict]) -> list[dict]:
    """Awards grouped as the decision words them: emulation titles first ("Tặng danh hiệu
    “Lao động tiên tiến” năm 2024 cho …"), then award forms ("Tặng Giấy khen … cho …")."""
    groups: dict[tuple, dict] = {}
    for a in awards:
        key = (not a["is_title"], a["tier_order"], a["tier_code"], a["year"])
        g = groups.setdefault(
            key,
            {
                "tier_name": a["tier_name"],
                "tier_code": a["tier_code"],
                "tier_kind": a["tier_kind"],
                "is_title": a["is_title"],
                "year": a["year"],
                "rows": [],
            },
        )
        g["rows"].append(a)
    out = []
    for i, (_key, g) in enumerate(sorted(groups.items(), key=lambda kv: kv[0]), start=1):
        own = False
        if g["is_title"]:
            lead = f"Tặng danh hiệu “{g['tier_name']}” năm {g['year']}"
        elif g["tier_code"] in OWN_GIAY_KHEN:
            # The deciding chairman's own Giấy khen: named after the issuing body of the day
            # (the town's until 30/06/2025, the commune's after), which the layout knows.
            lead, own = "Tặng Giấy khen", True
        else:
            lead = f"Tặng {g['tier_name']}"
        out.append(
            {**g, "no": i, "lead": lead, "own_form": own, "count_label": _count_label(g["rows"])}
        )
    return out


def _article_words(basis: str) -> str:
    """ "Nghị định số 98/2023/NĐ-CP, Điều 54: …" → "Điều 54 Nghị định số 98/2023/NĐ-CP", as a
    decision cites it; an article still to be checked ("[cần đối chiếu]") is cited by its decree
    only — a decision never prints a working note."""
    head = basis.split(":", 1)[0].strip()
    decree, _, article = head.partition(",")
    decree = decree.split(" (")[0].split(" [")[0].strip()
    article = article.strip()
    if not article or "[" in article or "(" in article:
        return decree
    return f"{article} {decree}"


def _funding(awards: list[dict], day: datetime.date) -> dict:
    """What the decision's Article 2 cites for the money: the articles that set the amounts and,
    from 2024, the Law's rule that the deciding body pays from its own fund."""
    cited: list[str] = []
    for a in awards:
        if a.get("amount_basis"):
            words = _article_words(a["amount_basis"])
            if words and words not in cited:
                cited.append(words)
    # A decree cited whole is dropped when one of its articles is cited already.
    articles = [c for c in cited if not any(o != c and o.endswith(" " + c) for o in cited)]
    return {"articles": articles, "law2022": day >= LAW2022_IN_FORCE}


def _recipient(n: Nomination) -> dict:
    person = n.person if n.person_id else None
    return {
        "nominee_kind": n.nominee_kind,
        "nominee_kind_label": n.nominee_kind_label,
        "name": n.recipient_name,
        "code": n.recipient.code or "",
        "position": person.position if person else "",
        "affiliation": (
            person.affiliation.name if person and person.affiliation is not None else ""
        ),
        "gender": person.get_gender_display() if person else "",
        "birth_year": person.birth_year if person else None,
        "is_sample": n.is_sample,
    }


def _decimal_comma(text: str) -> str:
    """Tallies stored before the minutes wrote "100,0%" read "100.0%": the same figure, written
    the Vietnamese way."""
    return re.sub(r"(\d)\.(\d+)%", r"\1,\2%", text)


def decision_document(decision_id: int, *, day: datetime.date | None = None) -> dict:
    """The chairman's award decision: header, legal bases, the awards granted. Amounts follow
    the rates in force on `day`, the date the document carries (default: the decision's)."""
    d = AwardDecision.objects.select_related("campaign", "signed_by", "session").get(pk=decision_id)
    rates_day = day or d.decision_date
    nominations = list(
        d.nominations.select_related("tier", "unit", "person__affiliation").order_by(
            "tier__order", "pk"
        )
    )
    sample = (
        d.is_sample
        or d.campaign.is_sample
        or (d.session is not None and d.session.is_sample)
        or any(n.is_sample for n in nominations)
    )
    awards = []
    for i, n in enumerate(nominations, start=1):
        rate = _rate(n, rates_day)
        awards.append(
            {
                "no": i,
                **_recipient(n),
                "tier_code": n.tier.code,
                "tier_name": n.tier.name,
                "tier_kind": n.tier.kind,
                # An emulation title (danh hiệu), not an award form: worded differently.
                "is_title": n.tier.kind == TierKind.TITLE,
                "tier_kind_label": n.tier.get_kind_display(),
                "tier_order": n.tier.order,
                "certificate_heading": n.tier.certificate_heading,
                "year": n.period_year,
                "achievements": n.achievements,
                "amount_vnd": int(rate.amount_vnd) if rate else None,
                "amount_basis": rate.legal_basis if rate else "",
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
        "session_title": d.session.title if d.session is not None else "",
        "status": d.status,
        "signed_by": d.signed_by.display_name if d.signed_by is not None else "",
        "signed_at": d.signed_at,
        "awards": awards,
        "groups": _groups(awards),
        "count_label": _count_label(awards),
        "total_amount_vnd": sum(a["amount_vnd"] or 0 for a in awards) or None,
        "funding": _funding(awards, rates_day),
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
    """One certificate per awardee whose tier has one (Giấy khen, Bằng chứng nhận, …), headed
    as the tier prints it; titles that carry money only (Lao động tiên tiến) have none."""
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
                "tier_kind": a["tier_kind"],
                "is_title": a["is_title"],
                "heading": a["certificate_heading"],
                "year": a["year"],
                "achievements": a["achievements"],
                "campaign_title": doc["campaign_title"],
                "decision_number": doc["number"],
                "decision_date": doc["date"],
            }
            for a in doc["awards"]
            if a["certificate_heading"]
        ],
        "without_certificate": [
            a["tier_name"] for a in doc["awards"] if not a["certificate_heading"]
        ],
    }
