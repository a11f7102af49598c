"""Accounts and council data for the load bench (scripts/bench_load.py, scripts/locustfile.py).

On the data set of `generate_dataset --seed SEED` (campaign `gen-SEED`):

* one unit officer per generated commune (`bench-xa-0001` …, bound to that commune), council
  members (`bench-hoidong-01` …), chairmen (`bench-chutich-01` …) and one secretariat account
  (`bench-thuongtruc`), all with the password LOAD_PASSWORD; the roles are RoleGrant rows, as the
  user page would make them. Every account is distinct, so the login throttle (django-axes:
  failures per username + address) never counts one user's sign-ins against another, and a
  correct password never counts as a failure;
* the campaign's review years (final review = last year, preliminary = 2023 when in range), so
  the final review can be requested — generate_dataset leaves them empty;
* once (or again with --new-session): a council session with AGENDA nominations (people from
  the generated communes, "Giấy khen của Chủ tịch UBND thị xã", dossiers attached, submitted,
  checked by the secretariat), every bench council member seated, opened for voting — made
  through the same services the pages call;
* with --reset-votes: the ballots of that session are deleted (triggers off: a bench database),
  so the next run's members can vote again (a member votes once per item). Only this bench
  session's ballots are touched; the session and its nominations stay, so repeated runs do not
  grow the data set (the final review lists the final-review nominations: a new session per run
  would add 30 rows to it each time).

Writes var/bench/load_accounts.json (LOAD_ACCOUNTS) for the locustfile: the password, the
officers whose self-assessment for the last year is editable (draft or returned) with its id, the
council members, the chairmen, the open session and the campaign code. Idempotent; safe to rerun.

    python scripts/bench_load_setup.py [--seed 1] [--reset-votes] [--new-session] [--agenda 30]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from awards.council.services import session_add_item, session_create, session_open  # noqa: E402
from awards.models import (  # noqa: E402
    AwardTier,
    Ballot,
    BallotReceipt,
    CouncilSession,
    MemberRole,
    Nomination,
    PeriodKind,
    SecretTally,
    SessionStatus,
)
from awards.nominations.services import (  # noqa: E402
    nomination_check,
    nomination_create,
    nomination_document_add,
    nomination_submit,
)
from awards.tiers import load_tiers  # noqa: E402
from campaigns.models import Assessment, AssessmentStatus, Campaign  # noqa: E402
from portal.models import RoleGrant, User  # noqa: E402
from portal.roles import Role  # noqa: E402
from portal.uploads import bytes_upload  # noqa: E402
from units.models import Person, Unit, UnitKind  # noqa: E402

PASSWORD = os.environ.get("LOAD_PASSWORD", "Bench-Load-2026!")
ACCOUNTS = Path(os.environ.get("LOAD_ACCOUNTS", ROOT / "var" / "bench" / "load_accounts.json"))
TIER = "giay-khen-chu-tich-thi-xa"  # decided locally, open ballot, no public consultation
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EDITABLE = (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)


def ensure_users(names: list[tuple[str, str]], role: Role, encoded: str) -> dict[str, User]:
    """(username, full name) → users holding `role`, created with the known password."""
    existing = {u.username: u for u in User.objects.filter(username__in=[n for n, _ in names])}
    for username, full_name in names:
        if username not in existing:
            existing[username] = User.objects.create(
                username=username, full_name=full_name, password=encoded
            )
    users = [existing[n] for n, _ in names]
    # Same password for every run (a changed LOAD_PASSWORD takes effect here); active.
    User.objects.filter(pk__in=[u.pk for u in users]).update(password=encoded, is_active=True)
    have = set(
        RoleGrant.objects.filter(user__in=users, role=role).values_list("user_id", flat=True)
    )
    for user in users:
        if user.pk not in have:
            RoleGrant.objects.create(user=user, role=role)
    return existing


def new_session(campaign: Campaign, secretariat: User, council: list[User], agenda: int) -> int:
    load_tiers()  # idempotent: tiers, vote rules, eligibility rules
    tier = AwardTier.objects.get(code=TIER)
    prefix = campaign.code.replace("gen-", "G") + "-X"
    nominated = Nomination.objects.filter(person__isnull=False).values("person_id")
    people = list(
        Person.objects.filter(affiliation__code__startswith=prefix, affiliation__kind="commune")
        .exclude(pk__in=nominated)
        .select_related("affiliation")
        .order_by("pk")[:agenda]
    )
    if len(people) < agenda:
        raise SystemExit(f"Chỉ còn {len(people)} cá nhân chưa được đề nghị; cần {agenda}.")
    number = CouncilSession.objects.filter(title__startswith="Phiên đo tải").count() + 1
    with transaction.atomic():
        session = session_create(
            by=secretariat,
            campaign=campaign,
            title=f"Phiên đo tải số {number}",
            meeting_date=timezone.localdate(),
            location="Phòng họp (đo hiệu năng)",
            is_sample=True,
            # A session opens only with a chair and a secretary seated (awards.council.services).
            members=[
                (
                    u,
                    MemberRole.CHAIR
                    if i == 0
                    else MemberRole.SECRETARY
                    if i == 1
                    else MemberRole.MEMBER,
                )
                for i, u in enumerate(council)
            ],
        )
        for person in people:
            nomination = nomination_create(
                by=secretariat,
                campaign=campaign,
                tier=tier,
                proposer_unit=person.affiliation,
                period_kind=PeriodKind.FINAL,
                period_year=campaign.end_year,
                achievements="Tích cực tham gia xây dựng nông thôn mới (dữ liệu đo hiệu năng).",
                person=person,
                is_sample=True,
            )
            for kind in tier.required_documents:
                nomination_document_add(
                    nomination=nomination,
                    kind=kind,
                    upload=bytes_upload("ho-so.pdf", PDF),
                    by=secretariat,
                )
            nomination_submit(nomination=nomination, by=secretariat)
            nomination.refresh_from_db()
            nomination_check(
                nomination=nomination,
                by=secretariat,
                override_reason="" if nomination.eligible else "Đo hiệu năng: trình Hội đồng.",
            )
            session_add_item(session=session, nomination=nomination, by=secretariat)
        session_open(session=session, by=secretariat)
    return session.pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=int(os.environ.get("SEED", "1")))
    parser.add_argument("--council", type=int, default=24)
    parser.add_argument("--chairmen", type=int, default=12)
    parser.add_argument("--agenda", type=int, default=30)
    parser.add_argument("--new-session", action="store_true")
    parser.add_argument("--reset-votes", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()

    campaign = Campaign.objects.get(code=f"gen-{args.seed}")
    changed = {}
    if campaign.final_review_year is None:
        changed["final_review_year"] = campaign.end_year
    if campaign.preliminary_review_year is None and campaign.start_year <= 2023 < campaign.end_year:
        changed["preliminary_review_year"] = 2023
    if campaign.authority_id and not campaign.authority.signer_name:
        type(campaign.authority).objects.filter(pk=campaign.authority_id).update(
            signer_name="Người ký (đo hiệu năng)"
        )
    if changed:
        Campaign.objects.filter(pk=campaign.pk).update(**changed)
        campaign.refresh_from_db()

    encoded = make_password(PASSWORD)  # hashed once: PBKDF2 costs ~0.5 s per call
    prefix = f"G{args.seed}-X"
    communes = list(
        Unit.objects.filter(kind=UnitKind.COMMUNE, code__startswith=prefix).order_by("code")
    )
    officer_names = [
        (f"bench-xa-{c.code.removeprefix(prefix)}", f"Cán bộ {c.name}") for c in communes
    ]
    officers = ensure_users(officer_names, Role.UNIT_OFFICER, encoded)
    bound = set(
        User.units.through.objects.filter(
            user_id__in=[u.pk for u in officers.values()]
        ).values_list("user_id", "unit_id")
    )
    for (username, _), commune in zip(officer_names, communes, strict=True):
        user = officers[username]
        if (user.pk, commune.pk) not in bound:
            user.units.add(commune)
    council = ensure_users(
        [(f"bench-hoidong-{i:02d}", f"Ủy viên Hội đồng {i}") for i in range(1, args.council + 1)],
        Role.COUNCIL_MEMBER,
        encoded,
    )
    chairmen = ensure_users(
        [(f"bench-chutich-{i:02d}", f"Chủ tịch {i}") for i in range(1, args.chairmen + 1)],
        Role.CHAIRMAN,
        encoded,
    )
    secretariat = ensure_users(
        [("bench-thuongtruc", "Thường trực (đo hiệu năng)")], Role.SECRETARIAT, encoded
    )["bench-thuongtruc"]

    year = campaign.end_year
    assessments = dict(
        Assessment.objects.filter(
            campaign=campaign, year=year, unit__in=communes, status__in=EDITABLE
        ).values_list("unit_id", "pk")
    )
    editable = [
        {"username": username, "assessment": assessments[commune.pk]}
        for (username, _), commune in zip(officer_names, communes, strict=True)
        if commune.pk in assessments
    ]

    session = (
        CouncilSession.objects.filter(
            campaign=campaign, title__startswith="Phiên đo tải", status=SessionStatus.OPEN
        )
        .order_by("-pk")
        .first()
    )
    if args.new_session or session is None:
        session_id = new_session(
            campaign, secretariat, [council[n] for n in sorted(council)], args.agenda
        )
    else:
        session_id = session.pk
    if args.reset_votes:
        # Bench rows only: the members may vote again. Votes are append-only on PostgreSQL
        # (awards migration council_append_only), so the triggers are switched off for this
        # transaction, as only a superuser can; `verify_audit` on the bench database then reports
        # these receipts as deleted, which is true. Never do this on a real database.
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL session_replication_role = replica")
            BallotReceipt.objects.filter(item__session_id=session_id).delete()
            Ballot.objects.filter(item__session_id=session_id).delete()
            SecretTally.objects.filter(item__session_id=session_id).delete()
    ACCOUNTS.parent.mkdir(parents=True, exist_ok=True)
    ACCOUNTS.write_text(
        json.dumps(
            {
                "campaign": campaign.code,
                "year": year,
                "password": PASSWORD,
                "officers": editable,
                "council": sorted(council),
                "chairmen": sorted(chairmen),
                "secretariat": secretariat.username,
                "session": session_id,
            },
            ensure_ascii=False,
            indent=1,
        )
    )
    print(
        f"   tài khoản đo tải: {len(officers)} cán bộ xã ({len(editable)} có bản tự đánh giá "
        f"{year} đang sửa được), {len(council)} ủy viên Hội đồng, {len(chairmen)} chủ tịch; "
        f"phiên họp #{session_id} đang mở ({time.monotonic() - started:.1f} s) → {ACCOUNTS}"
    )


if __name__ == "__main__":
    main()
