"""The demo is alive on the day it is loaded (issue 17, item 3): every demo user finds work on
their desk at first sign-in, the 2021–2025 campaign is closed with its final review signed by the
authority in force, and the 2026–2030 campaign of phường Đức Phổ is in its current year.

`load_demo` renders and signs real PDFs, so it runs once for the module (a module-scoped fixture
inside a transaction rolled back at the end) and the checks share it.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from awards.models import (
    AwardDecision,
    CouncilSession,
    DecisionStatus,
    Nomination,
    NominationStatus,
    SessionStatus,
)
from campaigns.demo_successor import CAMPAIGN_CODE, current_year
from campaigns.models import Assessment, AssessmentStatus, Campaign, CampaignStatus
from campaigns.results.selectors import completeness
from portal import desk
from portal.demo import DEMO_USERS
from portal.models import User
from portal.roles import Role
from reports.models import Report, ReportStatus

pytestmark = pytest.mark.django_db

#: Roles with no source on the desk (the observer only reads).
NO_DESK = {Role.OBSERVER}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    base = tmp_path_factory.mktemp("demo")
    signing = {
        "MEDIA_ROOT": str(base / "media"),
        "SIGNING_P12_PATH": str(base / "demo.p12"),
        "SIGNING_P12_PASSPHRASE": "demo-pass",
        "SIGNING_PERSON_P12_PATH": "",
        "SIGNING_PERSON_P12_PASSPHRASE": "",
        "SIGNING_PKCS11_MODULE": "",
        "SIGNING_PKCS11_TOKENS": {},
        "SIGNING_PERSON_FALLBACK": "server",
        "SIGNING_TRUSTED_CERTS": [],
        "CELERY_TASK_ALWAYS_EAGER": True,
    }
    with django_db_blocker.unblock(), override_settings(**signing), transaction.atomic():
        call_command("load_demo", quiet_users=True, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_every_demo_user_finds_work_on_the_desk(demo):
    empty = []
    for username, _name, _position, roles, _units in DEMO_USERS:
        user = User.objects.get(username=username)
        items = desk.collect(user)
        if set(roles) <= NO_DESK:
            assert items == [], username
        elif not items:
            empty.append(username)
    assert empty == []

    labels = {
        username: [item.label for item in desk.collect(User.objects.get(username=username))]
        for username in ("canbo.phoan", "chutich", "thuongtruc", "hoidong", "kinhte")
    }
    year = current_year()
    officer = " | ".join(labels["canbo.phoan"])
    assert f"Báo cáo tự đánh giá năm {year}" in officer  # a draft due
    assert "Bị trả lại để bổ sung" in officer  # with its reason
    assert "Văn bản chờ ông/bà ký duyệt" in labels["chutich"]
    assert any(label.startswith("Chờ ông/bà biểu quyết") for label in labels["hoidong"])
    secretariat = labels["thuongtruc"]
    assert "Hồ sơ tự đánh giá chờ thẩm định" in secretariat
    assert "Yêu cầu gia hạn chờ xem xét" in secretariat
    assert "Hồ sơ đề nghị khen thưởng chờ thẩm định" in secretariat
    assert "Số liệu nông thôn mới chờ xác nhận" in labels["kinhte"]


def test_the_closed_campaign_has_its_final_review_signed_by_the_successor(demo):
    closed = Campaign.objects.get(code="ducpho-ntm-2021-2025")
    assert closed.status == CampaignStatus.CLOSED
    final = Report.objects.get(campaign=closed, kind="final_review", status=ReportStatus.SIGNED)
    assert final.issuer["body"] == "Ủy ban nhân dân phường Đức Phổ"
    assert final.issue_date == timezone.localdate()
    assert final.number.endswith("/BC-UBND")
    # Its last year is complete: a handful of units late, not most of them.
    report = completeness(closed, closed.end_year)
    late = sum(1 for row in report.rows if row.late)
    assert 0 < late <= len(report.rows) // 5


def test_the_running_campaign_is_in_its_current_year(demo):
    campaign = Campaign.objects.get(code=CAMPAIGN_CODE)
    year = current_year()
    assert campaign.status == CampaignStatus.ACTIVE
    assert campaign.authority.code == "UBND-P-DUC-PHO"
    report = completeness(campaign, year)
    assert report.deadline > timezone.localdate()  # drafts are due, not late
    assert not any(row.late for row in report.rows)
    stages = set(
        Assessment.objects.filter(campaign=campaign, year=year).values_list("status", flat=True)
    )
    assert stages >= {
        AssessmentStatus.DRAFT,
        AssessmentStatus.RETURNED,
        AssessmentStatus.SUBMITTED,
        AssessmentStatus.APPROVED,
    }
    nominations = set(Nomination.objects.filter(campaign=campaign).values_list("status", flat=True))
    assert nominations >= {NominationStatus.SUBMITTED, NominationStatus.CHECKED}
    # A signed decision, a report waiting for the chairman, a session voting today.
    decision = AwardDecision.objects.get(campaign=campaign, status=DecisionStatus.SIGNED)
    assert decision.number
    assert decision.awards.exists()
    assert Report.objects.filter(campaign=campaign, status=ReportStatus.READY).exists()
    session = CouncilSession.objects.get(campaign=campaign, status=SessionStatus.OPEN)
    assert session.meeting_date == timezone.localdate()
    voters = set(
        session.items.values_list("receipts__member", flat=True).exclude(receipts__member=None)
    )
    members = set(session.seats.values_list("user", flat=True))
    assert voters
    assert voters < members


def test_loading_again_changes_nothing(demo):
    from awards import demo_successor as awards_successor
    from campaigns import demo_successor

    def counts():
        return (
            Assessment.objects.count(),
            CouncilSession.objects.count(),
            AwardDecision.objects.count(),
            Report.objects.count(),
        )

    before = counts()
    demo_successor.load()
    awards_successor.load()
    assert counts() == before
