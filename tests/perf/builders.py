"""Rows in bulk for the query-count tests: `grow(ctx, start, n)` adds rows start … start+n-1.

Every builder writes with `bulk_create` (no history, no audit events, no per-row signals), so a
case with 1,000 rows stays well under a second on SQLite. Codes and names carry the row number,
so the first row's name is a marker the 10-row page must show.
"""

from __future__ import annotations

import copy
import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils import timezone

from awards.models import (
    Award,
    AwardDecision,
    AwardSource,
    AwardTier,
    CouncilSession,
    EligibilityRule,
    Exemplar,
    ExemplarKind,
    ForwardingLetter,
    Nomination,
    NominationStatus,
    RuleKind,
    SessionMember,
    TierKind,
    TierLevel,
    VoteRule,
)
from campaigns.models import (
    Assessment,
    AssessmentItem,
    AssessmentStatus,
    BudgetLine,
    Campaign,
    Contribution,
    ContributorKind,
    CriteriaSet,
    Criterion,
    ExtensionRequest,
    Feedback,
    FeedbackAttachment,
    FeedbackKind,
    FigureRelease,
    Inspection,
    InspectionKind,
    NewsItem,
    NtmCriterion,
    NtmLevel,
    NtmStatus,
    Registration,
    Target,
    TargetGroup,
    TargetMetric,
    ValueType,
)
from campaigns.results.derived import refresh_ntm_derived
from portal.models import AuditEvent, RoleGrant, User
from portal.roles import Role
from reports.models import Report, ReportStatus
from units.models import Cluster, ClusterKind, Person, PersonKind, Sponsorship, Unit, UnitKind

YEAR = 2024
TODAY = datetime.date(2024, 6, 1)


@dataclass
class Ctx:
    """What a case builds on: the shared `world` and `users` fixtures plus lazily made parents."""

    world: object
    users: dict
    cache: dict = field(default_factory=dict)

    @property
    def campaign(self) -> Campaign:
        return self.world.campaign

    @property
    def cluster(self) -> Cluster:
        return self.world.commune_a.cluster

    @property
    def secretariat(self) -> User:
        return self.users["secretariat"]

    @cached_property
    def communes_set(self) -> CriteriaSet:
        cs = CriteriaSet.objects.create(
            campaign=self.campaign, target_group=TargetGroup.COMMUNES, name="Bộ tiêu chí xã (đo)"
        )
        Criterion.objects.bulk_create(
            Criterion(
                criteria_set=cs,
                number=i,
                text=f"Tiêu chí {i}",
                value_type=ValueType.SCORE,
                max_points=Decimal(10),
            )
            for i in range(1, 4)
        )
        return cs

    @cached_property
    def ntm_criteria(self) -> list[NtmCriterion]:
        return list(
            NtmCriterion.objects.filter(criterion_set=self.campaign.ntm_criterion_set).order_by(
                "number"
            )
        )

    @cached_property
    def tier(self) -> AwardTier:
        return AwardTier.objects.create(
            code="giay-khen-do",
            name="Giấy khen của Chủ tịch UBND (đo)",
            kind=TierKind.FORM,
            level=TierLevel.TOWN,
            authority="Chủ tịch UBND thị xã",
            decided_locally=True,
            nominee_kinds=["collective", "individual"],
        )

    @cached_property
    def session(self) -> CouncilSession:
        return CouncilSession.objects.create(
            title="Phiên họp đo",
            campaign=self.campaign,
            meeting_date=datetime.date(2024, 12, 1),
            created_by=self.secretariat,
        )

    def communes(self, start: int, n: int, **extra) -> list[Unit]:
        """n communes in the test cluster (codes PERF-XA-00000 …)."""
        return Unit.objects.bulk_create(
            Unit(
                code=f"PERF-XA-{i:05d}",
                name=f"Xã Đo Lường {i:05d}",
                kind=UnitKind.COMMUNE,
                cluster=self.cluster,
                **extra,
            )
            for i in range(start, start + n)
        )

    def people(self, start: int, n: int) -> list[Person]:
        return Person.objects.bulk_create(
            Person(
                full_name=f"Nguyễn Văn Đo {i:05d}",
                kind=PersonKind.WORKER if i % 2 else PersonKind.OFFICIAL,
                gender="female" if i % 3 else "male",
                affiliation=self.world.commune_a if i % 2 else self.world.village_a,
            )
            for i in range(start, start + n)
        )


# --- units and people -----------------------------------------------------------------------


def villages(ctx: Ctx, start: int, n: int) -> None:
    Unit.objects.bulk_create(
        Unit(
            code=f"PERF-T-{i:05d}",
            name=f"Thôn Đo Lường {i:05d}",
            kind=UnitKind.VILLAGE,
            parent=ctx.world.commune_a,
            cluster=ctx.cluster,
        )
        for i in range(start, start + n)
    )


def people(ctx: Ctx, start: int, n: int) -> None:
    ctx.people(start, n)


def clusters(ctx: Ctx, start: int, n: int) -> None:
    made = Cluster.objects.bulk_create(
        Cluster(code=f"PERF-CUM-{i:05d}", name=f"Cụm Đo Lường {i:05d}", kind=ClusterKind.CLUSTER)
        for i in range(start, start + n)
    )
    Unit.objects.bulk_create(
        Unit(code=f"PERF-CU-{c.code}", name=f"Xã của {c.name}", kind=UnitKind.COMMUNE, cluster=c)
        for c in made
    )


def authorities(ctx: Ctx, start: int, n: int) -> None:
    """Issuing authorities, each the successor of the one before (a chain of reorganisations)."""
    import datetime

    from units.models import Authority, AuthorityLevel

    made = Authority.objects.bulk_create(
        Authority(
            code=f"PERF-CQ-{i:05d}",
            level=AuthorityLevel.COMMUNE,
            body=f"Ủy ban nhân dân xã Đo {i:05d}",
            place="Đo",
            signer_name=f"Người ký {i:05d}",
            valid_from=datetime.date(2025, 7, 1),
        )
        for i in range(start, start + n)
    )
    for before, after in itertools.pairwise(made):
        before.successor = after
    Authority.objects.bulk_update(made[:-1], ["successor"])


def users(ctx: Ctx, start: int, n: int) -> None:
    made = User.objects.bulk_create(
        User(username=f"perf{i:05d}", full_name=f"Cán bộ Đo {i:05d}", password="!")
        for i in range(start, start + n)
    )
    RoleGrant.objects.bulk_create(
        RoleGrant(user=u, role=role) for u in made for role in (Role.UNIT_OFFICER, Role.OBSERVER)
    )
    User.units.through.objects.bulk_create(
        User.units.through(user_id=u.pk, unit_id=unit.pk)
        for u in made
        for unit in (ctx.world.commune_a, ctx.world.village_a)
    )


def audit_events(ctx: Ctx, start: int, n: int, *, object_id: str | None = None) -> None:
    now = timezone.now()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            at=now,
            actor_id=ctx.secretariat.pk,
            actor_name="secretariat",
            model="units.unit",
            object_id=object_id or str(i),
            object_repr=f"Đơn vị {i:05d}",
            action=AuditEvent.Action.UPDATE,
            changes={"name": [f"Cũ {i}", f"Mới {i:05d}"]},
            unit_id=ctx.world.commune_a.pk,
            prev_hash=f"{i:064d}",
            hash=f"{i + 1:064d}",
        )
        for i in range(start, start + n)
    )


def audit_events_of_one_row(ctx: Ctx, start: int, n: int) -> None:
    audit_events(ctx, start, n, object_id=str(ctx.world.commune_a.pk))


# --- campaigns: the yearly cycle ------------------------------------------------------------


def campaigns(ctx: Ctx, start: int, n: int) -> None:
    Campaign.objects.bulk_create(
        Campaign(
            code=f"perf-{i:05d}",
            title=f"Phong trào đo {i:05d}",
            issuing_body="UBND thị xã",
            start_year=2021,
            end_year=2025,
        )
        for i in range(start, start + n)
    )


def criteria_sets(ctx: Ctx, start: int, n: int) -> None:
    made = CriteriaSet.objects.bulk_create(
        CriteriaSet(
            campaign=ctx.campaign,
            target_group=TargetGroup.ENTERPRISES,
            version=i + 1,
            name=f"Bộ tiêu chí đo {i:05d}",
        )
        for i in range(start, start + n)
    )
    Criterion.objects.bulk_create(
        Criterion(
            criteria_set=cs,
            number=1,
            text="Tiêu chí 1",
            value_type=ValueType.SCORE,
            max_points=Decimal(5),
        )
        for cs in made
    )


def registrations(ctx: Ctx, start: int, n: int) -> None:
    units = ctx.communes(start, n)
    Registration.objects.bulk_create(
        Registration(
            campaign=ctx.campaign,
            unit=u,
            year=YEAR,
            commitments="Phấn đấu đạt chuẩn nâng cao.",
            target_level=NtmLevel.ADVANCED,
            villages_to_standard=2,
            submitted_at=timezone.now(),
            submitted_by=ctx.secretariat,
        )
        for u in units
    )


def assessments(ctx: Ctx, start: int, n: int, status=AssessmentStatus.SUBMITTED) -> None:
    units = ctx.communes(start, n)
    criteria = list(ctx.communes_set.criteria.all())
    made = Assessment.objects.bulk_create(
        Assessment(
            campaign=ctx.campaign,
            unit=u,
            year=YEAR,
            criteria_set=ctx.communes_set,
            status=status,
            submitted_at=timezone.now(),
            submitted_by=ctx.secretariat,
        )
        for u in units
    )
    AssessmentItem.objects.bulk_create(
        AssessmentItem(assessment=a, criterion=c, self_score=Decimal(10 - c.number))
        for a in made
        for c in criteria
    )


def expected_units(ctx: Ctx, start: int, n: int) -> None:
    """Communes expected to report (the campaign has a communes' criteria set); half of them
    registered, a third with an assessment."""
    ctx.communes_set  # noqa: B018 (made once: the completeness page expects communes)
    units = ctx.communes(start, n)
    Registration.objects.bulk_create(
        Registration(campaign=ctx.campaign, unit=u, year=YEAR, commitments="Đăng ký.")
        for u in units[::2]
    )
    Assessment.objects.bulk_create(
        Assessment(
            campaign=ctx.campaign,
            unit=u,
            year=YEAR,
            criteria_set=ctx.communes_set,
            status=AssessmentStatus.DRAFT,
        )
        for u in units[::3]
    )


def extensions(ctx: Ctx, start: int, n: int) -> None:
    units = ctx.communes(start, n)
    ExtensionRequest.objects.bulk_create(
        ExtensionRequest(
            campaign=ctx.campaign,
            unit=u,
            year=YEAR,
            reason="Bão lũ, xin gia hạn.",
            requested_by=ctx.users["officer_a"],
            requested_at=timezone.now(),
        )
        for u in units
    )


# --- campaigns: results and rankings --------------------------------------------------------


def ntm_communes(ctx: Ctx, start: int, n: int) -> None:
    """Communes with an NTM status for 2023 and 2024 (2–7 criteria met), each with one village
    (every other one NTM)."""
    units = ctx.communes(start, n)
    vills = Unit.objects.bulk_create(
        Unit(code=f"{u.code}-T1", name=f"Thôn 1 {u.name}", kind=UnitKind.VILLAGE, parent=u)
        for u in units
    )
    statuses = NtmStatus.objects.bulk_create(
        NtmStatus(
            unit=u,
            year=year,
            level=NtmLevel.NTM if i % 2 else NtmLevel.NONE,
            criteria_met_count=2 + (i % 5) + (year - 2023),
        )
        for i, u in enumerate(units)
        for year in (2023, 2024)
    )
    NtmStatus.objects.bulk_create(
        NtmStatus(unit=v, year=year, level=NtmLevel.NTM if j % 2 else NtmLevel.NONE)
        for j, v in enumerate(vills)
        for year in (2023, 2024)
    )
    through = NtmStatus.criteria_met.through
    criteria = ctx.ntm_criteria
    through.objects.bulk_create(
        through(ntmstatus_id=s.pk, ntmcriterion_id=c.pk)
        for s in statuses
        for c in criteria[: s.criteria_met_count]
    )
    refresh_ntm_derived(u.pk for u in units)  # as the save service does


def targets(ctx: Ctx, start: int, n: int) -> None:
    if start == 0:
        Target.objects.bulk_create(
            Target(campaign=ctx.campaign, title=title, metric=metric, min_value=2, by_year=2025)
            for title, metric in (
                ("Xã đạt chuẩn nâng cao", TargetMetric.COMMUNES_ADVANCED_OR_BETTER),
                ("Giữ vững tiêu chí", TargetMetric.CRITERIA_KEPT),
                ("Thôn đạt chuẩn", TargetMetric.VILLAGES_NTM_OR_BETTER),
            )
        )
    ntm_communes(ctx, start, n)


def many_targets(ctx: Ctx, start: int, n: int) -> None:
    """Targets of every metric (a plan has a handful; the page must not care), over ten
    communes with NTM figures; and as many milestones."""
    from campaigns.models import Milestone, MilestoneKind

    if start == 0:
        ntm_communes(ctx, 0, 10)
    metrics = list(TargetMetric)
    Target.objects.bulk_create(
        Target(
            campaign=ctx.campaign,
            title=f"Chỉ tiêu đo {i:05d}",
            metric=metrics[i % len(metrics)],
            min_value=i % 4,
            by_year=2025,
            order=i,
        )
        for i in range(start, start + n)
    )
    Milestone.objects.bulk_create(
        Milestone(
            campaign=ctx.campaign,
            kind=MilestoneKind.OTHER,
            title=f"Mốc đo {i:05d}",
            due_date=datetime.date(2025, 1, 1),
        )
        for i in range(start, start + n)
    )


def dashboard(ctx: Ctx, start: int, n: int) -> None:
    """What the dashboards read: targets, communes with NTM figures, contributions, the
    departments' bloc ranking and the communes' criteria set (so the completeness panel has
    units to count)."""
    ctx.communes_set  # noqa: B018
    targets(ctx, start, n)
    contributions(ctx, start, n)
    bloc_units(ctx, start, n)


def bloc_units(ctx: Ctx, start: int, n: int) -> None:
    """Departments in one khối with approved assessments for 2023 and 2024 (bloc ranking)."""
    bloc = ctx.cache.get("bloc")
    if bloc is None:
        bloc = ctx.cache["bloc"] = Cluster.objects.create(
            code="PERF-KHOI", name="Khối đo lường", kind=ClusterKind.BLOC
        )
        org_set = ctx.cache["org_set"] = CriteriaSet.objects.create(
            campaign=ctx.campaign, target_group=TargetGroup.ORGANISATIONS, name="Bộ khối (đo)"
        )
        ctx.cache["org_criteria"] = Criterion.objects.bulk_create(
            Criterion(
                criteria_set=org_set,
                number=i,
                text=f"Tiêu chí khối {i}",
                value_type=ValueType.SCORE,
                max_points=Decimal(10),
            )
            for i in (1, 2)
        )
    units = Unit.objects.bulk_create(
        Unit(
            code=f"PERF-PB-{i:05d}",
            name=f"Phòng Đo Lường {i:05d}",
            kind=UnitKind.DEPARTMENT,
            cluster=bloc,
        )
        for i in range(start, start + n)
    )
    made = Assessment.objects.bulk_create(
        Assessment(
            campaign=ctx.campaign,
            unit=u,
            year=year,
            criteria_set=ctx.cache["org_set"],
            status=AssessmentStatus.APPROVED,
        )
        for u in units
        for year in (2023, 2024)
    )
    AssessmentItem.objects.bulk_create(
        AssessmentItem(
            assessment=a, criterion=c, self_score=Decimal(a.pk % 10), reviewer_score=Decimal(5)
        )
        for a in made
        for c in ctx.cache["org_criteria"]
    )


def contributions(ctx: Ctx, start: int, n: int) -> None:
    communes = [ctx.world.commune_a, ctx.world.commune_b]
    Contribution.objects.bulk_create(
        Contribution(
            campaign=ctx.campaign,
            year=YEAR,
            commune=communes[i % 2],
            contributor=f"Hộ ông Đo {i:05d}",
            contributor_kind=ContributorKind.HOUSEHOLD,
            money_vnd=Decimal(1_000_000 + i),
            work_days=Decimal(2),
        )
        for i in range(start, start + n)
    )


# --- campaigns: oversight -------------------------------------------------------------------


def inspections(ctx: Ctx, start: int, n: int) -> None:
    made = Inspection.objects.bulk_create(
        Inspection(
            campaign=ctx.campaign,
            year=YEAR,
            kind=InspectionKind.INSPECTION,
            title=f"Kiểm tra đo {i:05d}",
            start_date=datetime.date(2024, 10, 1),
            end_date=datetime.date(2024, 10, 3),
            leader=ctx.secretariat,
        )
        for i in range(start, start + n)
    )
    Inspection.units.through.objects.bulk_create(
        Inspection.units.through(inspection_id=x.pk, unit_id=u.pk)
        for x in made
        for u in (ctx.world.commune_a, ctx.world.commune_b)
    )
    Inspection.members.through.objects.bulk_create(
        Inspection.members.through(inspection_id=x.pk, user_id=ctx.secretariat.pk) for x in made
    )


def sponsorships(ctx: Ctx, start: int, n: int) -> None:
    from campaigns.models import SponsorshipResult

    units = ctx.communes(start, n)
    pairs = Sponsorship.objects.bulk_create(
        Sponsorship(
            campaign=ctx.campaign,
            sponsor=ctx.world.department,
            commune=u,
            commitment=f"Giúp xã {u.name}",
        )
        for u in units
    )
    SponsorshipResult.objects.bulk_create(
        SponsorshipResult(sponsorship=p, year=year, support="Hỗ trợ hồ sơ", amount_vnd=1)
        for p in pairs
        for year in (2023, 2024)
    )


def feedback(ctx: Ctx, start: int, n: int) -> None:
    made = Feedback.objects.bulk_create(
        Feedback(
            campaign=ctx.campaign,
            unit=ctx.world.commune_a if i % 2 else ctx.world.commune_b,
            year=YEAR,
            kind=FeedbackKind.DIFFICULTY,
            subject=f"Khó khăn đo {i:05d}",
            body="Nội dung.",
            sent_by=ctx.users["officer_a"],
            assignee=ctx.secretariat,
        )
        for i in range(start, start + n)
    )
    FeedbackAttachment.objects.bulk_create(
        FeedbackAttachment(
            feedback=f,
            file=f"feedback/perf-{f.pk}.pdf",
            original_name="cong-van.pdf",
            content_type="application/pdf",
            size=100,
            sha256="0" * 64,
        )
        for f in made
    )


def budget_lines(ctx: Ctx, start: int, n: int) -> None:
    BudgetLine.objects.bulk_create(
        BudgetLine(
            campaign=ctx.campaign,
            year=YEAR,
            kind="inspection",
            description=f"Dòng kinh phí đo {i:05d}",
            amount_vnd=Decimal(1_000_000),
            proposing_unit="Cơ quan Tổ chức – Nội vụ",
            proposed_by=ctx.secretariat,
        )
        for i in range(start, start + n)
    )


def news(ctx: Ctx, start: int, n: int) -> None:
    now = timezone.now()
    NewsItem.objects.bulk_create(
        NewsItem(
            campaign=ctx.campaign,
            title=f"Tin đo {i:05d}",
            body="Nội dung tin.",
            published_at=now - datetime.timedelta(minutes=i),
            created_by=ctx.secretariat,
        )
        for i in range(start, start + n)
    )


def releases(ctx: Ctx, start: int, n: int) -> None:
    if start == 0:
        FigureRelease.objects.create(
            campaign=ctx.campaign, year=YEAR, figures={"rows": []}, released_by=ctx.secretariat
        )
    news(ctx, start, n)


def figure_releases(ctx: Ctx, start: int, n: int) -> None:
    FigureRelease.objects.bulk_create(
        FigureRelease(
            campaign=ctx.campaign,
            year=YEAR,
            figures={"rows": []},
            note=f"Công bố đo {i:05d}",
            released_by=ctx.users["chairman"],
        )
        for i in range(start, start + n)
    )


# --- awards ---------------------------------------------------------------------------------


def tiers(ctx: Ctx, start: int, n: int) -> None:
    made = AwardTier.objects.bulk_create(
        AwardTier(
            code=f"perf-tier-{i:05d}",
            name=f"Danh hiệu đo {i:05d}",
            kind=TierKind.TITLE,
            level=TierLevel.TOWN,
            authority="Chủ tịch UBND thị xã",
            decided_locally=True,
            nominee_kinds=["collective"],
            order=i,
        )
        for i in range(start, start + n)
    )
    VoteRule.objects.bulk_create(
        VoteRule(
            tier=t,
            valid_from=datetime.date(2020, 1, 1),
            quorum_numerator=2,
            quorum_denominator=3,
            threshold_numerator=1,
            threshold_denominator=2,
            denominator="all_members",
        )
        for t in made
    )
    EligibilityRule.objects.bulk_create(
        EligibilityRule(
            tier=t, kind=RuleKind.RATING_COUNT, valid_from=datetime.date(2020, 1, 1), params={}
        )
        for t in made
    )


def _nomination(ctx: Ctx, **fields) -> Nomination:
    """An unsaved nomination of the measured campaign and tier (for bulk_create)."""
    values = {
        "campaign": ctx.campaign,
        "tier": ctx.tier,
        "proposer_unit": ctx.world.commune_a,
        "period_kind": "year",
        "period_year": YEAR,
        "reference_date": TODAY,
        "achievements": "Thành tích.",
        "created_by": ctx.secretariat,
    }
    return Nomination(**(values | fields))


def nominations(ctx: Ctx, start: int, n: int, **extra) -> None:
    people = ctx.people(start, n)
    Nomination.objects.bulk_create(
        _nomination(
            ctx,
            status=NominationStatus.SUBMITTED,
            **({"person": p} if i % 2 else {"unit": ctx.world.commune_a}),
            **extra,
        )
        for i, p in enumerate(people)
    )


def open_consultations(ctx: Ctx, start: int, n: int) -> None:
    nominations(ctx, start, n, consultation_until=datetime.date(2099, 1, 1))


def sessions(ctx: Ctx, start: int, n: int) -> None:
    made = CouncilSession.objects.bulk_create(
        CouncilSession(
            title=f"Phiên họp đo {i:05d}",
            campaign=ctx.campaign,
            meeting_date=datetime.date(2024, 12, 1),
            created_by=ctx.secretariat,
        )
        for i in range(start, start + n)
    )
    SessionMember.objects.bulk_create(
        SessionMember(session=s, user=ctx.users["chairman"], role="chair") for s in made
    )


def decisions(ctx: Ctx, start: int, n: int) -> None:
    AwardDecision.objects.bulk_create(
        AwardDecision(
            campaign=ctx.campaign,
            number=f"{i:05d}/QĐ-UBND",
            decision_date=TODAY,
            title=f"Quyết định đo {i:05d}",
            created_by=ctx.secretariat,
            session=ctx.session,
        )
        for i in range(start, start + n)
    )
    ForwardingLetter.objects.bulk_create(
        ForwardingLetter(
            campaign=ctx.campaign,
            number=f"{i:05d}/TTr-UBND",
            sent_date=TODAY,
            recipient="UBND tỉnh",
            created_by=ctx.secretariat,
        )
        for i in range(start, start + n)
    )


def awards(ctx: Ctx, start: int, n: int) -> None:
    people = ctx.people(start, n)
    Award.objects.bulk_create(
        Award(
            tier=ctx.tier,
            year=YEAR,
            decision_number=f"{i:05d}/QĐ-UBND",
            decision_date=TODAY,
            campaign=ctx.campaign,
            source=AwardSource.MANUAL,
            **({"person": p} if i % 2 else {"unit": ctx.world.commune_a}),
        )
        for i, p in zip(range(start, start + n), people, strict=True)
    )


def exemplars(ctx: Ctx, start: int, n: int) -> None:
    people = ctx.people(start, n)
    Exemplar.objects.bulk_create(
        Exemplar(
            campaign=ctx.campaign,
            kind=ExemplarKind.INITIATIVE if i % 2 else ExemplarKind.MODEL,
            title=f"Điển hình đo {i:05d}",
            year=YEAR,
            summary="Tóm tắt.",
            is_published=True,
            published_at=timezone.now(),
            **({"person": p} if i % 2 else {"unit": ctx.world.commune_a}),
        )
        for i, p in zip(range(start, start + n), people, strict=True)
    )


# --- reports --------------------------------------------------------------------------------


def reports(ctx: Ctx, start: int, n: int, status=ReportStatus.READY, kinds=None) -> None:
    """Reports of every kind: annual (by year), award decisions and council minutes (which
    name their object)."""
    decision = AwardDecision.objects.get_or_create(
        number="REPORT/QĐ-UBND",
        defaults={
            "campaign": ctx.campaign,
            "decision_date": TODAY,
            "title": "Quyết định đo",
            "created_by": ctx.secretariat,
        },
    )[0]
    kinds = kinds or [
        ("annual", 0),
        ("award_decision", decision.pk),
        ("council_minutes", ctx.session.pk),
    ]
    Report.objects.bulk_create(
        Report(
            kind=kinds[i % len(kinds)][0],
            object_id=kinds[i % len(kinds)][1],
            campaign=ctx.campaign,
            year=YEAR,
            version=i + 1,
            status=status,
            number=f"{i:05d}/BC-UBND",
            requested_by=ctx.secretariat,
            file=f"reports/perf-{i}.pdf",
            verification_code=f"P{i:07d}",
        )
        for i in range(start, start + n)
    )


# --- tables inside pages and the panels of unit, person and cluster pages --------------------


def villages_with_status(ctx: Ctx, start: int, n: int) -> None:
    """Villages of commune A with their NTM level for 2023 and 2024 (commune A has its own)."""
    if start == 0:
        NtmStatus.objects.bulk_create(
            NtmStatus(unit=ctx.world.commune_a, year=year, criteria_met_count=0)
            for year in (2023, 2024)
        )
    made = Unit.objects.bulk_create(
        Unit(
            code=f"PERF-T-{i:05d}",
            name=f"Thôn Đo Lường {i:05d}",
            kind=UnitKind.VILLAGE,
            parent=ctx.world.commune_a,
        )
        for i in range(start, start + n)
    )
    NtmStatus.objects.bulk_create(
        NtmStatus(unit=v, year=year, level=NtmLevel.NTM if j % 2 else NtmLevel.NONE)
        for j, v in enumerate(made)
        for year in (2023, 2024)
    )


def awards_of_person(ctx: Ctx, start: int, n: int) -> None:
    Award.objects.bulk_create(
        Award(
            tier=ctx.tier,
            year=2000 + i % 25,
            decision_number=f"{i:05d}/QĐ-UBND",
            decision_date=TODAY,
            source=AwardSource.MANUAL,
            person=ctx.world.person_a,
        )
        for i in range(start, start + n)
    )
    nominations_of(ctx, start, n, person=ctx.world.person_a)


def nominations_of(ctx: Ctx, start: int, n: int, **recipient) -> list[Nomination]:
    return Nomination.objects.bulk_create(
        _nomination(
            ctx,
            achievements=f"Thành tích {i:05d}",
            status=NominationStatus.IN_COUNCIL,
            **recipient,
        )
        for i in range(start, start + n)
    )


def unit_assessments(ctx: Ctx, start: int, n: int) -> None:
    """Commune A's assessments, one per campaign (n campaigns with a criteria set each)."""
    made = Campaign.objects.bulk_create(
        Campaign(
            code=f"perf-{i:05d}",
            title=f"Phong trào đo {i:05d}",
            issuing_body="UBND thị xã",
            start_year=2021,
            end_year=2025,
        )
        for i in range(start, start + n)
    )
    sets = CriteriaSet.objects.bulk_create(
        CriteriaSet(campaign=c, target_group=TargetGroup.COMMUNES, name="Bộ xã") for c in made
    )
    Assessment.objects.bulk_create(
        Assessment(campaign=c, unit=ctx.world.commune_a, year=YEAR, criteria_set=cs)
        for c, cs in zip(made, sets, strict=True)
    )


def unit_oversight(ctx: Ctx, start: int, n: int) -> None:
    """Difficulties sent by commune A and B, and findings with a recommendation for both."""
    from campaigns.models import Finding, Recommendation

    feedback(ctx, start, n)
    inspection = ctx.cache.get("inspection")
    if inspection is None:
        inspections(ctx, 0, 1)
        inspection = ctx.cache["inspection"] = Inspection.objects.get(title="Kiểm tra đo 00000")
    findings = Finding.objects.bulk_create(
        Finding(
            inspection=inspection,
            unit=ctx.world.commune_a if i % 2 else ctx.world.commune_b,
            content=f"Kết luận đo {i:05d}",
            created_by=ctx.secretariat,
        )
        for i in range(start, start + n)
    )
    Recommendation.objects.bulk_create(
        Recommendation(
            finding=f, content=f"Kiến nghị của {f.content}", responded_by=ctx.secretariat
        )
        for f in findings
    )


def inspection_findings(ctx: Ctx, start: int, n: int) -> None:
    unit_oversight(ctx, start, n)


def agenda(ctx: Ctx, start: int, n: int) -> None:
    """Nominations on the agenda of the test session (chairman and council member seated)."""
    from awards.models import AgendaItem

    if start == 0:
        SessionMember.objects.bulk_create(
            SessionMember(session=ctx.session, user=ctx.users[name], role=role)
            for name, role in (("chairman", "chair"), ("council_member", "member"))
        )
    people = ctx.people(start, n)
    made = Nomination.objects.bulk_create(
        _nomination(ctx, status=NominationStatus.IN_COUNCIL, person=p) for p in people
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(session=ctx.session, nomination=nom, order=i)
        for i, nom in zip(range(start, start + n), made, strict=True)
    )


def agenda_open(ctx: Ctx, start: int, n: int) -> None:
    """The agenda of the test session while voting is open (the page before closing)."""
    agenda(ctx, start, n)
    if start == 0:
        CouncilSession.objects.filter(pk=ctx.session.pk).update(status="open")


def decision_nominations(ctx: Ctx, start: int, n: int) -> None:
    """Nominations and awards of one decision, and nominations of one forwarding letter."""
    decision = ctx.cache.get("decision")
    if decision is None:
        decision = ctx.cache["decision"] = AwardDecision.objects.create(
            campaign=ctx.campaign,
            number="PERF/QĐ-UBND",
            decision_date=TODAY,
            title="Quyết định đo",
            created_by=ctx.secretariat,
        )
        ctx.cache["letter"] = ForwardingLetter.objects.create(
            campaign=ctx.campaign,
            number="PERF/TTr-UBND",
            sent_date=TODAY,
            recipient="UBND tỉnh",
            created_by=ctx.secretariat,
        )
    people = ctx.people(start, n)
    made = Nomination.objects.bulk_create(
        _nomination(
            ctx,
            status=NominationStatus.DECIDED,
            person=p,
            decision=decision,
            forwarding=ctx.cache["letter"],
        )
        for p in people
    )
    Award.objects.bulk_create(
        Award(
            tier=ctx.tier,
            year=YEAR,
            decision_number=decision.number,
            decision_date=TODAY,
            campaign=ctx.campaign,
            source=AwardSource.DECISION,
            decision=decision,
            person=nom.person,
        )
        for nom in made
    )


def nomination_file(ctx: Ctx, start: int, n: int) -> None:
    """Documents, events and public comments of one nomination."""
    from awards.models import ConsultationComment, NominationDocument, NominationEvent

    nomination = ctx.cache.get("nomination")
    if nomination is None:
        nomination = ctx.cache["nomination"] = nominations_of(ctx, 0, 1, unit=ctx.world.commune_a)[
            0
        ]
    NominationDocument.objects.bulk_create(
        NominationDocument(
            nomination=nomination,
            kind="other",
            file=f"nominations/perf-{i}.pdf",
            original_name=f"ho-so-{i:05d}.pdf",
            content_type="application/pdf",
            size=100,
            sha256="0" * 64,
            uploaded_by=ctx.secretariat,
        )
        for i in range(start, start + n)
    )
    NominationEvent.objects.bulk_create(
        NominationEvent(
            nomination=nomination, from_status="draft", to_status="submitted", by=ctx.secretariat
        )
        for _ in range(n)
    )
    ConsultationComment.objects.bulk_create(
        ConsultationComment(nomination=nomination, author_name=f"Người góp ý {i:05d}", content="Ý")
        for i in range(start, start + n)
    )


def criteria(ctx: Ctx, start: int, n: int) -> None:
    """Criteria of the communes' criteria set (which has 3 of its own)."""
    Criterion.objects.bulk_create(
        Criterion(
            criteria_set=ctx.communes_set,
            number=100 + i,
            text=f"Tiêu chí đo {i:05d}",
            value_type=ValueType.SCORE,
            max_points=Decimal(1),
        )
        for i in range(start, start + n)
    )


def assessment_items(ctx: Ctx, start: int, n: int) -> None:
    """Items of commune A's 2024 assessment (a draft), one per new criterion."""
    assessment = ctx.cache.get("assessment")
    if assessment is None:
        assessment = ctx.cache["assessment"] = Assessment.objects.create(
            campaign=ctx.campaign,
            unit=ctx.world.commune_a,
            year=YEAR,
            criteria_set=ctx.communes_set,
        )
    criteria(ctx, start, n)
    AssessmentItem.objects.bulk_create(
        AssessmentItem(assessment=assessment, criterion=c, self_score=Decimal(1))
        for c in Criterion.objects.filter(criteria_set=ctx.communes_set, number__gte=100 + start)
    )


def assessment_changes(ctx: Ctx, start: int, n: int) -> None:
    """Changes n of one item's note in commune A's 2024 assessment: n history records in one
    bulk insert, as n autosaves would leave. The history page reads at most 51 records of a
    stream, plus one query for the previous record of each object shown once a stream is longer
    than that; so the first call also leaves 100 older changes, and both counts are of a long
    history (11 queries while it fits in one read, 12 from then on, however long)."""
    if "assessment" not in ctx.cache:
        assessment_items(ctx, 0, 1)
    item = AssessmentItem.objects.filter(assessment=ctx.cache["assessment"]).first()
    stamp = timezone.now()
    numbers = range(start, start + n) if start else range(-100, n)
    versions = []
    for i in numbers:
        version = copy.copy(item)
        version.note = f"Ghi chú đo {i:05d}" if i >= 0 else f"Ghi chú cũ {-i:05d}"
        version._history_date = stamp + datetime.timedelta(milliseconds=i)
        versions.append(version)
    AssessmentItem.history.bulk_history_create(
        versions, update=True, default_change_reason="Lưu nháp"
    )


def report_versions(ctx: Ctx, start: int, n: int) -> None:
    """Versions 1 … n of one annual report."""
    reports(ctx, start, n, kinds=[("annual", 0)])
