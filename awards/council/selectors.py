"""Reads of council sessions: who sits, who is recused and why, the agenda with its quorum and
thresholds, the vote counts so far."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet

from units.models import Person, Unit

from ..models import (
    AgendaItem,
    Ballot,
    BallotReceipt,
    CouncilSession,
    MemberRole,
    Nomination,
    SecretTally,
    SessionMember,
    VoteRule,
)
from . import arithmetic

if TYPE_CHECKING:
    from portal.access import AnyUser
    from portal.models import User

#: Why a member linked to the nominee person does not vote (`User.person`).
RECUSED_AS_NOMINEE = "là người được đề nghị"


def council_home_unit_ids(session: CouncilSession) -> set[int]:
    """The unit of the authority whose council this is (a ward or commune since 01/07/2025; none
    for the town, whose council is not a unit). Its members are bound to it, so it never recuses
    anyone by being "above" a nominee or by proposing: otherwise every member would be recused
    from every case of the locality."""
    from units.models import Authority

    from ..tiers import campaign_authority

    if session.authority_id:
        authority = Authority.objects.filter(pk=session.authority_id).first()
    else:
        authority = campaign_authority(session.campaign, session.meeting_date)
    return {authority.unit_id} if authority is not None and authority.unit_id else set()


def _unit_chains(start_ids: set[int]) -> dict[int, list[tuple[int, str]]]:
    """unit id → [(id, name) of the unit itself, its parent, its parent's parent, …], in one
    query (a recursive walk up `Unit.parent`, capped against a cycle in bad data)."""
    if not start_ids:
        return {}
    from django.db import connection

    table = connection.ops.quote_name(Unit._meta.db_table)
    marks = ", ".join(["%s"] * len(start_ids))
    sql = (
        f"WITH RECURSIVE chain(start_id, unit_id, parent_id, name, depth) AS ("
        f" SELECT id, id, parent_id, name, 0 FROM {table} WHERE id IN ({marks})"
        f" UNION ALL"
        f" SELECT c.start_id, u.id, u.parent_id, u.name, c.depth + 1 FROM {table} u"
        f" JOIN chain c ON u.id = c.parent_id WHERE c.depth < 32"
        f") SELECT start_id, unit_id, name, depth FROM chain ORDER BY start_id, depth"
    )
    chains: dict[int, list[tuple[int, str]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, sorted(start_ids))
        for start_id, unit_id, name, _depth in cursor.fetchall():
            chains[start_id].append((unit_id, name))
    return chains


def recusal_reasons(
    members: list[User], nominations: list[Nomination], *, session: CouncilSession
) -> dict[int, dict[int, str]]:
    """nomination id → {user id: why the member does not vote on it}. A member is recused when
    (a) bound (`User.units`) to the nominee unit — for a person, the unit they work in — or to
    any unit above it; (b) bound to the unit that proposed the case; (c) linked to the nominee
    person (`User.person`). The unit of the authority holding the council never recuses under
    (a) or (b) (`council_home_unit_ids`). A fixed number of queries whatever the agenda size."""
    from portal.models import User

    user_ids = [m.pk for m in members]
    bound: dict[int, set[int]] = defaultdict(set)
    if user_ids:
        for uid, unit_id in User.units.through.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "unit_id"
        ):
            bound[uid].add(unit_id)
    # The unit each nominee person works in: from the loaded person where the caller selected
    # it, else one query for all of them.
    affiliation: dict[int, int | None] = {}
    unloaded: set[int] = set()
    for nom in nominations:
        if nom.person_id and Nomination.person.is_cached(nom) and nom.person is not None:
            affiliation[nom.person_id] = nom.person.affiliation_id
        elif nom.person_id:
            unloaded.add(nom.person_id)
    if unloaded:
        affiliation.update(
            Person.objects.filter(pk__in=unloaded).values_list("pk", "affiliation_id")
        )
    starts = {
        (affiliation.get(nom.person_id) if nom.person_id else nom.unit_id) for nom in nominations
    }
    chains = _unit_chains({u for u in starts if u} | {n.proposer_unit_id for n in nominations})
    home = council_home_unit_ids(session) if bound else set()
    person_of = {m.pk: getattr(m, "person_id", None) for m in members}

    result: dict[int, dict[int, str]] = {}
    for nom in nominations:
        start = affiliation.get(nom.person_id) if nom.person_id else nom.unit_id
        chain = chains.get(start, []) if start else []
        proposer = chains.get(nom.proposer_unit_id, [(nom.proposer_unit_id, "")])[0]
        reasons: dict[int, str] = {}
        for uid in user_ids:
            if nom.person_id and person_of.get(uid) == nom.person_id:
                reasons[uid] = RECUSED_AS_NOMINEE
                continue
            mine = bound.get(uid, set())
            if not mine:
                continue
            for depth, (unit_id, name) in enumerate(chain):
                if unit_id not in mine or unit_id in home:
                    continue
                if depth == 0:
                    reasons[uid] = (
                        f"thuộc đơn vị công tác của người được đề nghị ({name})"
                        if nom.person_id
                        else f"thuộc tập thể được đề nghị ({name})"
                    )
                else:
                    reasons[uid] = f"thuộc {name}, đơn vị cấp trên của " + (
                        "đơn vị công tác của người được đề nghị"
                        if nom.person_id
                        else "tập thể được đề nghị"
                    )
                break
            else:
                if proposer[0] in mine and proposer[0] not in home:
                    reasons[uid] = f"thuộc đơn vị đề nghị ({proposer[1]})"
        result[nom.pk] = reasons
    return result


def recusals(
    members: list[User], nominations: list[Nomination], *, session: CouncilSession
) -> dict[int, set[int]]:
    """nomination id → ids of the members recused from it (`recusal_reasons`)."""
    reasons = recusal_reasons(members, nominations, session=session)
    return {pk: set(by_user) for pk, by_user in reasons.items()}


def sessions_for(user: User) -> QuerySet[CouncilSession]:
    qs = (
        CouncilSession.objects.select_related("campaign")
        .annotate(item_count=Count("items"))
        .order_by("-meeting_date", "-pk")
    )
    if _sees_council(user):
        return qs
    return qs.filter(seats__user=user)


def _sees_council(user: AnyUser) -> bool:
    from portal.access import has_capability

    return has_capability(user, "council.manage") or has_capability(user, "decision.sign")


def vote_rules_for(nominations: list[Nomination]) -> dict[int, VoteRule | None]:
    """nomination id → its tier's vote rule in force on its reference date, in one query."""
    by_tier: dict[int, list[VoteRule]] = defaultdict(list)
    for rule in VoteRule.objects.filter(tier_id__in={n.tier_id for n in nominations}).order_by(
        "-valid_from"
    ):
        by_tier[rule.tier_id].append(rule)
    return {
        n.pk: next(
            (
                r
                for r in by_tier[n.tier_id]
                if r.valid_from <= n.reference_date
                and (r.valid_to is None or r.valid_to >= n.reference_date)
            ),
            None,
        )
        for n in nominations
    }


def rule_figures(rule: VoteRule) -> arithmetic.RuleFigures:
    return arithmetic.RuleFigures(
        rule.quorum_numerator,
        rule.quorum_denominator,
        rule.threshold_numerator,
        rule.threshold_denominator,
        rule.threshold_inclusive,
        rule.denominator,
    )


def ballot_counts(session: CouncilSession) -> dict[int, dict[str, int]]:
    """item id → {"agree": n, "disagree": n, "abstain": n}: the votes cast so far (totals only,
    open and secret items alike; for the page before closing)."""
    counts: dict[int, dict[str, int]] = defaultdict(
        lambda: {"agree": 0, "disagree": 0, "abstain": 0}
    )
    for row in (
        Ballot.objects.filter(item__session=session)
        .values("item_id", "choice")
        .annotate(n=Count("pk"))
    ):
        counts[row["item_id"]][row["choice"]] = row["n"]
    # A secret item has no ballot rows, only its counts (SecretTally).
    for tally in SecretTally.objects.filter(item__session=session):
        counts[tally.item_id].update(tally.counts())
    return counts


def session_agenda(
    session: CouncilSession, user: AnyUser, *, preview: bool = False
) -> dict[str, Any]:
    """Everything the agenda page shows, in a fixed number of queries. `preview`: also what
    closing now would give per item (the page before closing; counts of votes cast so far)."""
    rank = {"chair": 0, "vice": 1, "member": 2, "secretary": 3}
    seats = sorted(session.seats.select_related("user"), key=lambda s: (rank.get(s.role, 9), s.pk))
    items = list(
        session.items.select_related(
            "nomination__tier",
            "nomination__unit",
            "nomination__person__affiliation",
            "nomination__proposer_unit",
            "nomination__unit__parent",
        ).order_by("order", "pk")
    )
    receipts: dict[int, set[int]] = defaultdict(set)
    written: Counter[int] = Counter()
    for item_id, member_id, is_written in BallotReceipt.objects.filter(
        item__session=session
    ).values_list("item_id", "member_id", "written"):
        receipts[item_id].add(member_id)
        written[item_id] += is_written
    closed = session.status == "closed"
    reasons: dict[int, dict[int, str]]
    if closed:
        reasons = {i.pk: {} for i in items}
        for item_id, user_id in AgendaItem.recused.through.objects.filter(
            agendaitem__session=session
        ).values_list("agendaitem_id", "user_id"):
            reasons[item_id][user_id] = ""
    else:
        by_nom = recusal_reasons(
            [s.user for s in seats], [i.nomination for i in items], session=session
        )
        reasons = {i.pk: by_nom[i.nomination_id] for i in items}
    rules = vote_rules_for([i.nomination for i in items]) if not closed else {}
    counts = ballot_counts(session) if preview and not closed else {}
    present_ids = {s.user_id for s in seats if s.attendance == "present"}
    members = len(seats)
    name_of = {s.user_id: s.user.display_name for s in seats}
    rows: list[dict[str, Any]] = []
    for item in items:
        voted = receipts[item.pk]
        recused = set(reasons[item.pk])
        rule = rules.get(item.nomination_id)
        missing = [s for s in seats if s.user_id not in voted and s.user_id not in recused]
        row: dict[str, Any] = {
            "item": item,
            "nomination": item.nomination,
            "recused_ids": recused,
            "recused_names": [name_of[uid] for uid in recused if uid in name_of],
            "recused": [
                (name_of[uid], why) for uid, why in reasons[item.pk].items() if uid in name_of
            ],
            "voted_count": len(voted),
            "voters_count": members - len(recused),
            "i_voted": user.pk in voted,
            "i_recused": user.pk in recused,
            "missing": missing,
            "rule": rule,
        }
        if rule is not None:
            figures = rule_figures(rule)
            tally = arithmetic.Tally(
                members=members,
                recused=len(recused),
                present=len(present_ids),
                recused_present=len(recused & present_ids),
                written=written[item.pk],
                **(counts.get(item.pk) or {"agree": 0, "disagree": 0, "abstain": 0}),
            )
            row["quorum_met"] = arithmetic.quorum_met(
                figures, members=members, present=len(present_ids)
            )
            row["quorum_text"] = arithmetic.quorum_text(
                figures, members=members, present=len(present_ids)
            )
            row["threshold_text"] = arithmetic.threshold_text(figures, tally)
            if preview:
                row["projection"] = arithmetic.projection_text(
                    figures, tally, not_voted=len(missing)
                )
        rows.append(row)
    quorum: dict[str, dict[str, Any]] = {}
    for row in rows:
        if "quorum_text" in row:
            entry = quorum.setdefault(
                row["quorum_text"],
                {"text": row["quorum_text"], "met": row["quorum_met"], "items": []},
            )
            entry["items"].append(row["nomination"])
    return {
        "seats": seats,
        "rows": rows,
        "is_member": any(s.user_id == user.pk for s in seats),
        "present": len(present_ids),
        # One line per distinct quorum (items may follow different rules), and whether it is met.
        "quorum": list(quorum.values()),
        "quorum_met": all(q["met"] for q in quorum.values()),
    }


def quorum_refusal(session: CouncilSession) -> str:
    """Why the session may not close yet ("" when every item has its quorum): the members
    present against each item's rule, naming the items when their rules differ."""
    seats = list(session.seats.values_list("attendance", flat=True))
    present = sum(1 for a in seats if a == "present")
    nominations = [
        i.nomination
        for i in session.items.select_related(
            "nomination__tier", "nomination__unit", "nomination__person"
        )
    ]
    rules = vote_rules_for(nominations)
    short: dict[str, list[Nomination]] = {}
    texts = set()
    for nom in nominations:
        rule = rules[nom.pk]
        if rule is None:
            continue
        figures = rule_figures(rule)
        text = arithmetic.quorum_text(figures, members=len(seats), present=present)
        texts.add(text)
        if not arithmetic.quorum_met(figures, members=len(seats), present=present):
            short.setdefault(text, []).append(nom)
    if not short:
        return ""
    parts = []
    for text, noms in short.items():
        if len(texts) > 1:
            names = ", ".join(f"{n.recipient_name} ({n.tier.name})" for n in noms)
            parts.append(f"{text} để xét {names}")
        else:
            parts.append(text)
    return (
        "Chưa đủ số thành viên dự họp: "
        + "; ".join(parts)
        + ". Điểm danh hoặc chờ các thành viên biểu quyết rồi kết thúc phiên họp."
    )


def may_close(
    user: AnyUser, session: CouncilSession, seats: list[SessionMember] | None = None
) -> bool:
    """Who may close the vote: `council.close` (the secretariat, the chairman), or the member
    seated as chair of this session."""
    from portal.access import can

    if can(user, "council.close", session):
        return True
    if not getattr(user, "is_authenticated", False) or not can(user, "council.vote", session):
        return False
    seats = list(session.seats.all()) if seats is None else seats
    return any(s.user_id == user.pk and s.role == MemberRole.CHAIR for s in seats)


def seat_of(session: CouncilSession, user: User) -> SessionMember | None:
    return session.seats.filter(user=user).first()
