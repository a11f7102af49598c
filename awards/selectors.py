"""Reads of the awards app, always through the user's scope where a user is involved."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from portal.access import can, scope, unit_ids_in_scope
from portal.search import matcher
from units.models import Gender, Person, Unit

from . import council
from . import eligibility as el
from .importers import decision_key
from .models import (
    AgendaItem,
    Award,
    AwardDecision,
    AwardTier,
    Ballot,
    BallotReceipt,
    CouncilSession,
    EligibilityRule,
    Exemplar,
    ExemplarKind,
    ForwardingLetter,
    MemberRole,
    Nomination,
    NominationStatus,
    NomineeKind,
    PendingCase,
    PeriodKind,
    SecretTally,
    SessionMember,
    TierKind,
    VoteRule,
    YearlyRating,
)


def today() -> datetime.date:
    return timezone.localdate()


# --- tiers and rules --------------------------------------------------------------------------


def tiers_active() -> QuerySet[AwardTier]:
    return AwardTier.objects.filter(is_active=True).order_by("order", "name")


def tier_forms() -> QuerySet[AwardTier]:
    return tiers_active().filter(kind=TierKind.FORM)


def vote_rule_for(tier: AwardTier, day: datetime.date) -> VoteRule | None:
    """The tier's vote rule in force on `day` (effective-dated)."""
    return (
        VoteRule.objects.filter(tier=tier, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )


def rules_for(tier: AwardTier) -> list[el.Rule]:
    return [
        el.Rule(
            pk=r.pk,
            kind=r.kind,
            params=r.params or {},
            nominee_kinds=r.nominee_kinds or [],
            valid_from=r.valid_from,
            valid_to=r.valid_to,
            legal_basis=r.legal_basis,
        )
        for r in EligibilityRule.objects.filter(tier=tier).order_by("order", "valid_from")
    ]


def tier_names() -> dict[str, str]:
    return dict(AwardTier.objects.values_list("code", "name"))


# --- history --------------------------------------------------------------------------------


def _recipient_filter(*, unit: Unit | None = None, person: Person | None = None) -> Q:
    return Q(person=person) if person is not None else Q(unit=unit)


def awards_of(*, unit: Unit | None = None, person: Person | None = None) -> QuerySet[Award]:
    """One history per recipient, across campaigns and years."""
    return (
        Award.objects.filter(_recipient_filter(unit=unit, person=person))
        .select_related("tier", "campaign", "decision")
        .order_by("-decision_date", "tier__order")
    )


def history_for(
    *, unit: Unit | None = None, person: Person | None = None, exclude_award_id: int | None = None
) -> el.History:
    """The facts the eligibility rules read, gathered in a few queries."""
    where = _recipient_filter(unit=unit, person=person)
    awards = [
        el.PastAward(
            a.tier.code, a.tier.name, a.year, a.decision_date, a.decision_number, a.category
        )
        for a in Award.objects.filter(where).select_related("tier")
    ]
    ratings = dict(YearlyRating.objects.filter(where).values_list("year", "rating"))
    cases = [
        el.Case(c.get_kind_display(), c.opened_on, c.closed_on)
        for c in PendingCase.objects.filter(where)
    ]
    initiatives = [
        el.Initiative(
            e.pk,
            e.title,
            e.year,
            used_by_other_award=e.used_by_award_id is not None
            and e.used_by_award_id != exclude_award_id,
        )
        for e in Exemplar.objects.filter(where, kind=ExemplarKind.INITIATIVE)
    ]
    is_female = None
    female_share = None
    if person is not None:
        is_female = {Gender.FEMALE: True, Gender.MALE: False}.get(person.gender)
    elif unit is not None:
        genders = Counter(unit.people.values_list("gender", flat=True))
        known = genders[Gender.FEMALE] + genders[Gender.MALE]
        if known:
            female_share = round(100 * genders[Gender.FEMALE] / known, 1)
    return el.History(awards, ratings, cases, initiatives, is_female, female_share)


def nomination_route(nomination: Nomination) -> str:
    """Merit (the yearly review) or movement (a campaign's preliminary or final review)."""
    return el.MERIT if nomination.period_kind == PeriodKind.YEAR else el.MOVEMENT


def _unit_titles(nomination: Nomination, rules: list[el.Rule]) -> dict:
    """For title_quota rules: the proposer unit's count of the base title in the year and of
    this tier (nominations under way or granted, this one included)."""
    quota = [r for r in rules if r.kind == "title_quota"]
    if not quota:
        return {}
    live = Q(proposer_unit=nomination.proposer_unit, period_year=nomination.period_year) & ~Q(
        status__in=[
            NominationStatus.FAILED,
            NominationStatus.REJECTED,
            NominationStatus.DRAFT,
        ]
    )
    counts: dict = {}
    for rule in quota:
        code = rule.params.get("of_tier", "")
        granted = Award.objects.filter(
            tier__code=code,
            year=nomination.period_year,
            person__affiliation=nomination.proposer_unit,
        ).count()
        pending = (
            Nomination.objects.filter(live, tier__code=code).filter(award__isnull=True).count()
        )
        counts[code] = granted + pending
    mine = Nomination.objects.filter(live, tier=nomination.tier).exclude(pk=nomination.pk).count()
    counts["_self"] = mine + 1
    return counts


#: Before the council the page checks today's data; from the council on it shows what the
#: council was shown (the row's stored results).
CHECKED_LIVE = (NominationStatus.DRAFT, NominationStatus.SUBMITTED, NominationStatus.CHECKED)


def eligibility_shown(nomination: Nomination) -> list[dict]:
    """The eligibility results the nomination's page shows, each with its status in words:
    the live check on today's data before the council, what it was shown from the council on."""
    if nomination.status in CHECKED_LIVE or not nomination.eligibility:
        results = [r.as_dict() for r in eligibility_for(nomination)]
    else:
        results = [dict(r) for r in nomination.eligibility]  # copies: the row keeps its value
    for r in results:
        r.update(el.status_words(r["status"]))
    return results


@dataclass(frozen=True)
class NominationActions:
    """What the user may do on a nomination's page now (its status and their capabilities)."""

    submit: bool  # upload documents and send a draft
    check: bool  # check, or send back, a submitted nomination
    consult: bool  # publish a checked nomination for public comment
    reject: bool  # decline a passed or decided nomination
    read_comments: bool  # the public's comments
    see_contact: bool  # the contact a commenter gave (personal data)


def nomination_actions(user, nomination: Nomination) -> NominationActions:
    status = nomination.status
    return NominationActions(
        submit=status == NominationStatus.DRAFT and can(user, "nomination.propose", nomination),
        check=status == NominationStatus.SUBMITTED and can(user, "nomination.check", nomination),
        consult=status == NominationStatus.CHECKED
        and can(user, "nomination.check")
        and not nomination.consultation_until,
        reject=status in (NominationStatus.PASSED, NominationStatus.DECIDED)
        and can(user, "decision.sign"),
        read_comments=can(user, "nomination.check") or can(user, "council.vote"),
        see_contact=can(user, "consultation.contact"),
    )


def eligibility_for(nomination: Nomination) -> list[el.RuleResult]:
    history = history_for(
        unit=nomination.unit if not nomination.person_id else None, person=nomination.person
    )
    rules = rules_for(nomination.tier)
    history.facts = dict(nomination.facts or {})
    if nomination.pk:
        history.movement_evidence = (
            nomination.assessments.count()
            + nomination.contributions.count()
            + nomination.exemplars.count()
        )
        history.unit_titles = _unit_titles(nomination, rules)
    return el.evaluate(
        rules,
        history,
        reference_date=nomination.reference_date,
        nominee_kind=nomination.nominee_kind,
        tier_names=tier_names(),
        route=nomination_route(nomination),
    )


# --- nominations ----------------------------------------------------------------------------


def nominations_visible_to(user) -> QuerySet[Nomination]:
    return scope(user, Nomination.objects.all(), unit_field="proposer_unit")


def nominations_for_list(user) -> QuerySet[Nomination]:
    return (
        nominations_visible_to(user)
        .select_related(
            "tier",
            "unit",
            "person",
            "proposer_unit",
            "campaign",
            "unit__cluster",
            "person__affiliation__cluster",
        )
        .order_by("-created_at", "-pk")
    )


def nominee_units_for(user) -> QuerySet[Unit]:
    return scope(user, Unit.objects.all(), unit_field="pk").order_by("name")


def nominee_people_for(user) -> QuerySet[Person]:
    return scope(user, Person.objects.all(), unit_field="affiliation").order_by("full_name")


def consultation_open(campaign, day: datetime.date | None = None) -> QuerySet[Nomination]:
    """Nominations published for public comment on `day` (names and titles only)."""
    day = day or today()
    return (
        Nomination.objects.filter(campaign=campaign, consultation_until__gte=day)
        .exclude(status__in=[NominationStatus.DRAFT, NominationStatus.REJECTED])
        .select_related("tier", "unit", "person", "person__affiliation")
        .order_by("tier__order", "pk")
    )


def exemplars_published(campaign) -> QuerySet[Exemplar]:
    """Published exemplary models of a campaign (the public showcase)."""
    return (
        Exemplar.objects.filter(campaign=campaign, is_published=True)
        .select_related("unit", "person", "person__affiliation")
        .order_by("-year", "title")
    )


def exemplars_visible_to(user) -> QuerySet[Exemplar]:
    if unit_ids_in_scope(user):
        ids = unit_ids_in_scope(user)
        return Exemplar.objects.filter(Q(unit_id__in=ids) | Q(person__affiliation_id__in=ids))
    return scope(user, Exemplar.objects.all(), unit_field="")


# --- council --------------------------------------------------------------------------------


#: Why a member linked to the nominee person does not vote (`User.person`).
RECUSED_AS_NOMINEE = "là người được đề nghị"


def council_home_unit_ids(session: CouncilSession) -> set[int]:
    """The unit of the authority whose council this is (a ward or commune since 01/07/2025; none
    for the town, whose council is not a unit). Its members are bound to it, so it never recuses
    anyone by being "above" a nominee or by proposing: otherwise every member would be recused
    from every case of the locality."""
    from units.models import Authority

    from .tiers import campaign_authority

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
    members: list, nominations: list[Nomination], *, session: CouncilSession
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
    unloaded = set()
    for nom in nominations:
        if nom.person_id and Nomination.person.is_cached(nom):
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
    members: list, nominations: list[Nomination], *, session: CouncilSession
) -> dict[int, set[int]]:
    """nomination id → ids of the members recused from it (`recusal_reasons`)."""
    reasons = recusal_reasons(members, nominations, session=session)
    return {pk: set(by_user) for pk, by_user in reasons.items()}


def sessions_for(user) -> QuerySet[CouncilSession]:
    qs = (
        CouncilSession.objects.select_related("campaign")
        .annotate(item_count=Count("items"))
        .order_by("-meeting_date", "-pk")
    )
    if _sees_council(user):
        return qs
    return qs.filter(seats__user=user)


def _sees_council(user) -> bool:
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


def rule_figures(rule: VoteRule) -> council.RuleFigures:
    return council.RuleFigures(
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


def session_agenda(session: CouncilSession, user, *, preview: bool = False) -> dict:
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
    rows = []
    for item in items:
        voted = receipts[item.pk]
        recused = set(reasons[item.pk])
        rule = rules.get(item.nomination_id)
        missing = [s for s in seats if s.user_id not in voted and s.user_id not in recused]
        row = {
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
            tally = council.Tally(
                members=members,
                recused=len(recused),
                present=len(present_ids),
                recused_present=len(recused & present_ids),
                written=written[item.pk],
                **(counts.get(item.pk) or {"agree": 0, "disagree": 0, "abstain": 0}),
            )
            row["quorum_met"] = council.quorum_met(
                figures, members=members, present=len(present_ids)
            )
            row["quorum_text"] = council.quorum_text(
                figures, members=members, present=len(present_ids)
            )
            row["threshold_text"] = council.threshold_text(figures, tally)
            if preview:
                row["projection"] = council.projection_text(figures, tally, not_voted=len(missing))
        rows.append(row)
    quorum = {}
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
        text = council.quorum_text(figures, members=len(seats), present=present)
        texts.add(text)
        if not council.quorum_met(figures, members=len(seats), present=present):
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


# --- decisions, letters, awards -------------------------------------------------------------


def decisions_list() -> QuerySet[AwardDecision]:
    return (
        AwardDecision.objects.select_related("campaign", "signed_by")
        .annotate(nomination_count=Count("nominations"))
        .order_by("-decision_date", "-pk")
    )


def letters_list() -> QuerySet[ForwardingLetter]:
    return ForwardingLetter.objects.annotate(nomination_count=Count("nominations")).order_by(
        "-sent_date", "-pk"
    )


def awards_visible_to(user) -> QuerySet[Award]:
    qs = Award.objects.select_related("tier", "unit", "person", "campaign")
    ids = unit_ids_in_scope(user)
    if ids:
        return qs.filter(Q(unit_id__in=ids) | Q(person__affiliation_id__in=ids))
    return scope(user, qs, unit_field="")


def awards_matching(queryset: QuerySet[Award], query: str) -> QuerySet[Award]:
    """Awards whose recipient's name, or the unit a person works in (or a collective belongs
    to), contains `query`: "pho an" finds "Xã Phổ An", its villages and its people
    (portal/search.py: typed without marks, matched without marks)."""
    match = matcher(query)
    people = Person.objects.filter(pk__in=queryset.values("person_id")).values_list(
        "pk", "full_name", "affiliation__name", "affiliation__parent__name"
    )
    units = Unit.objects.filter(pk__in=queryset.values("unit_id")).values_list(
        "pk", "name", "parent__name"
    )
    person_ids = [pk for pk, *names in people if any(match(n) for n in names)]
    unit_ids = [pk for pk, *names in units if any(match(n) for n in names)]
    return queryset.filter(Q(person_id__in=person_ids) | Q(unit_id__in=unit_ids))


@dataclass
class RecipientAwards:
    """One recipient (a person, or a collective or household) and their awards, each once."""

    person: Person | None
    unit: Unit | None
    awards: list[Award]

    @property
    def recipient(self) -> Person | Unit:
        return self.person or self.unit

    @property
    def name(self) -> str:
        return self.person.full_name if self.person else self.unit.name

    @property
    def nominee_kind_label(self) -> str:
        return self.awards[0].nominee_kind_label


RecipientKey = tuple[str, int]


def award_recipients(queryset: QuerySet[Award]) -> list[RecipientKey]:
    """The recipients of these awards, newest award first, each once: ("p", person id) or
    ("u", unit id). Page over this list, then load the page with `recipient_awards`."""
    rows = queryset.order_by("-decision_date", "pk").values_list("person_id", "unit_id")
    return list(dict.fromkeys(("p", p) if p else ("u", u) for p, u in rows))


def recipient_awards(queryset: QuerySet[Award], keys: list[RecipientKey]) -> list[RecipientAwards]:
    """These recipients' awards (from `queryset`), grouped, in the order of `keys`. An award
    recorded twice (the same tier under one decision number spelt two ways, "125/QĐ-UBND" and
    "125/QD-UBND", e.g. once imported and once from the portal's decision) is listed once."""
    person_ids = [pk for kind, pk in keys if kind == "p"]
    unit_ids = [pk for kind, pk in keys if kind == "u"]
    awards = (
        queryset.filter(Q(person_id__in=person_ids) | Q(unit_id__in=unit_ids))
        .select_related("tier", "unit", "person__affiliation", "campaign")
        .order_by("-decision_date", "tier__order", "pk")
    )
    groups: dict[RecipientKey, RecipientAwards] = {}
    seen: set[tuple] = set()
    for award in awards:
        key = ("p", award.person_id) if award.person_id else ("u", award.unit_id)
        same = (key, award.tier_id, decision_key(award.decision_number))
        if same in seen:
            continue
        seen.add(same)
        group = groups.setdefault(key, RecipientAwards(award.person, award.unit, []))
        group.awards.append(award)
    return [groups[key] for key in keys if key in groups]


def awards_per_tier_year(queryset: QuerySet[Award]) -> tuple[list[int], list[dict]]:
    """Counts of awards per tier (rows) and year (columns)."""
    counts = queryset.values("tier__name", "tier__order", "tier__kind", "year").annotate(
        n=Count("pk")
    )
    years = sorted({c["year"] for c in counts})
    table: dict[str, dict] = {}
    for c in counts:
        row = table.setdefault(
            c["tier__name"],
            {
                "tier": c["tier__name"],
                "order": c["tier__order"],
                "kind": c["tier__kind"],
                "by_year": dict.fromkeys(years, 0),
            },
        )
        row["by_year"][c["year"]] = c["n"]
    rows = sorted(table.values(), key=lambda r: (r["kind"] != TierKind.TITLE, r["order"]))
    for row in rows:
        row["cells"] = [row["by_year"][y] for y in years]
        row["total"] = sum(row["cells"])
    return years, rows


def commendation_statistics(year: int) -> list[dict]:
    """Best-effort shape of the Home Affairs yearly commendation statistics (see docs)."""
    awards = Award.objects.filter(year=year).select_related("tier", "person", "unit")
    by_tier: dict[int, dict] = {}
    tiers = sorted(AwardTier.objects.all(), key=lambda t: (t.kind != TierKind.TITLE, t.order))
    for tier in tiers:
        by_tier[tier.pk] = {
            "tier": tier,
            "collective": 0,
            "individual": 0,
            "household": 0,
            "female": 0,
            "worker": 0,
            "total": 0,
        }
    for award in awards:
        row = by_tier[award.tier_id]
        kind = award.nominee_kind
        row[kind] += 1
        row["total"] += 1
        if award.person_id and award.person.gender == Gender.FEMALE:
            row["female"] += 1
        if award.person_id and award.person.kind in ("worker", "cooperative_member"):
            row["worker"] += 1
    return list(by_tier.values())


def why_no_awards(year: int) -> dict:
    """For a year with no award recorded: the years that have some, and how many of that year's
    nominations are still on their way (not yet decided), so the page can say why it is empty."""
    years = list(Award.objects.order_by("-year").values_list("year", flat=True).distinct()[:5])
    open_statuses = [
        NominationStatus.SUBMITTED,
        NominationStatus.CHECKED,
        NominationStatus.IN_COUNCIL,
        NominationStatus.PASSED,
        NominationStatus.DECIDED,
        NominationStatus.FORWARDED,
    ]
    pending = Nomination.objects.filter(period_year=year, status__in=open_statuses).count()
    return {"years": sorted(years), "pending": pending}


def passed_by_power(campaign, day: datetime.date) -> tuple[QuerySet, QuerySet, object]:
    """The campaign's nominations passed by the council, split by who may confer their tier on
    `day`: (decided by the authority in force, sent up), and that authority (or None)."""
    from .tiers import authority_may_decide, campaign_authority

    authority = campaign_authority(campaign, day)
    passed = Nomination.objects.filter(campaign=campaign, status=NominationStatus.PASSED)
    tiers = AwardTier.objects.filter(pk__in=passed.values("tier_id"))
    local = [t.pk for t in tiers if authority_may_decide(t, authority, day)]
    return passed.filter(tier_id__in=local), passed.exclude(tier_id__in=local), authority


KIND_SECTIONS = [
    (TierKind.TITLE, "I", "Danh hiệu thi đua"),
    (TierKind.FORM, "II", "Hình thức khen thưởng"),
]


def by_kind_sections(rows: list[dict], kind_of) -> list[dict]:
    """Rows split into "I. Danh hiệu thi đua" and "II. Hình thức khen thưởng" (Law 06/2022
    Chapters II and III): titles and forms are never counted together."""
    out = []
    for kind, numeral, label in KIND_SECTIONS:
        part = [r for r in rows if kind_of(r) == kind]
        if part:
            out.append({"numeral": numeral, "label": label, "rows": part, "kind": kind})
    return out


def nominee_kind_of(*, unit: Unit | None, person: Person | None) -> str:
    if person is not None:
        return NomineeKind.INDIVIDUAL
    return NomineeKind.HOUSEHOLD if unit.kind == "household" else NomineeKind.COLLECTIVE


def may_close(user, session: CouncilSession, seats: list[SessionMember] | None = None) -> bool:
    """Who may close the vote: `council.close` (the secretariat, the chairman), or the member
    seated as chair of this session."""
    from portal.access import can

    if can(user, "council.close", session):
        return True
    if not getattr(user, "is_authenticated", False) or not can(user, "council.vote", session):
        return False
    seats = list(session.seats.all()) if seats is None else seats
    return any(s.user_id == user.pk and s.role == MemberRole.CHAIR for s in seats)


def seat_of(session: CouncilSession, user) -> SessionMember | None:
    return session.seats.filter(user=user).first()


def prefetch_documents() -> Prefetch:
    return Prefetch("documents")
