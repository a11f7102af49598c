"""Pages: the agenda's query budget, secret-ballot privacy on screen, public pages, exports,
the `awards` importer and the document data for PDFs."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.council.services import session_add_item, session_close, session_open, vote_cast
from awards.decisions.services import decision_create, decision_sign
from awards.documents import certificates_document, decision_document, minutes_document
from awards.models import Award, Exemplar, Nomination, NominationStatus
from awards.nominations.services import consultation_open
from portal.dataexchange import run_import
from portal.navigation import entry_url
from tests.factories import CAMPAIGN_CODE as CODE
from tests.factories import ClusterFactory, PersonFactory, UnitFactory

from .conftest import everyone_present

S = NominationStatus


def _agenda_queries(client, session) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("awards:session-detail", args=[session.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_agenda_page_query_count_does_not_grow_with_the_agenda(
    make_nomination, users, council, client_as, world
):
    client = client_as("secretariat")
    n = make_nomination(S.CHECKED)
    session_add_item(session=council, nomination=n, by=users["secretariat"])
    _agenda_queries(client, council)  # first request warms per-process caches (content types)
    one = _agenda_queries(client, council)
    for i in range(3):
        unit = UnitFactory(code=f"XA-Q{i}", name=f"Xã Truy Vấn {i}")
        session_add_item(
            session=council,
            nomination=make_nomination(S.CHECKED, unit=unit),
            by=users["secretariat"],
        )
    _agenda_queries(client, council)  # the writes renewed the desk (portal.desk): read it once
    assert _agenda_queries(client, council) == one


def test_agenda_page_exact_query_budget(
    make_nomination, users, council, client_as, django_assert_num_queries
):
    client = client_as("council_member")
    n = make_nomination(S.CHECKED)
    session_add_item(session=council, nomination=n, by=users["secretariat"])
    client.get(reverse("awards:session-detail", args=[council.pk]))  # warm per-process caches
    # Sign-in session, user, roles; the scoped session row; seats with users; items with their
    # nominations, tiers and units; receipts; the members' units, the nominee units' chain up
    # (recusal); the items' vote rules (quorum, threshold); transaction savepoints
    # (ATOMIC_REQUESTS). Whatever the agenda size (previous test).
    with django_assert_num_queries(12):
        client.get(reverse("awards:session-detail", args=[council.pk]))


def test_secret_ballot_choices_never_reach_the_page(make_nomination, users, council, client_as):
    person = PersonFactory(full_name="Võ Thị Thanh Thảo", gender="female")
    from awards.models import YearlyRating

    YearlyRating.objects.create(person=person, year=2024, rating="htxsnv")
    n = make_nomination(S.CHECKED, tier_code="chien-si-thi-dua-co-so", person=person)
    item = session_add_item(session=council, nomination=n, by=users["secretariat"])
    everyone_present(council)
    session_open(session=council, by=users["secretariat"])
    vote_cast(item=item, by=users["chairman"], choice="disagree")
    page = (
        client_as("secretariat")
        .get(reverse("awards:session-detail", args=[council.pk]))
        .content.decode()
    )
    assert "Đã biểu quyết: 1/5" in page
    assert "Không đồng ý" not in page  # no tally while voting; who voted how never
    member_page = (
        client_as("council_member")
        .get(reverse("awards:session-detail", args=[council.pk]))
        .content.decode()
    )
    assert 'data-testid="vote-form"' in member_page
    for button in (
        'btn-success" type="submit" name="choice" value="agree"',
        'btn-outline-danger" type="submit" name="choice" value="disagree"',
    ):
        assert button in member_page
    assert "Đồng ý: <strong>" not in member_page  # a member sees no votes before casting


def test_vote_through_the_page_and_second_vote_refused(make_nomination, users, council, client_as):
    n = make_nomination(S.CHECKED)
    item = session_add_item(session=council, nomination=n, by=users["secretariat"])
    session_open(session=council, by=users["secretariat"])
    client = client_as("council_member")
    url = reverse("awards:vote-cast", args=[item.pk])
    assert client.post(url, {"choice": "agree"}).status_code == 302
    response = client.post(url, {"choice": "disagree"}, follow=True)
    assert "mỗi thành viên chỉ có một phiếu" in response.content.decode()
    assert item.ballots.count() == 1


def test_public_pages_show_only_published_and_open_items(make_nomination, users, client, world):
    open_case = make_nomination(S.CHECKED, tier_code="bang-khen-thu-tuong")
    consultation_open(nomination=open_case, by=users["secretariat"])
    make_nomination(S.CHECKED, unit=world.commune_b)  # not under consultation
    Exemplar.objects.create(
        kind="model",
        title="Mô hình đã công bố",
        year=2024,
        summary="s",
        unit=world.commune_a,
        campaign=world.campaign,
        is_published=True,
    )
    Exemplar.objects.create(
        kind="model",
        title="Mô hình chưa công bố",
        year=2024,
        summary="s",
        unit=world.commune_b,
        campaign=world.campaign,
        is_published=False,
    )
    page = client.get(
        reverse("awards_public:consultation", args=[world.campaign.code])
    ).content.decode()
    assert world.commune_a.name in page
    assert world.commune_b.name not in page
    assert "Thành tích xuất sắc" not in page  # achievements stay internal
    shown = client.get(
        reverse("awards_public:exemplars", args=[world.campaign.code])
    ).content.decode()
    assert "Mô hình đã công bố" in shown
    assert "Mô hình chưa công bố" not in shown
    response = client.post(
        reverse("awards_public:comment", args=[world.campaign.code, open_case.pk]),
        {"author_name": "Lê Văn Tám", "content": "Tôi đồng ý đề nghị này."},
    )
    assert response.status_code == 302
    assert open_case.comments.get().author_name == "Lê Văn Tám"


def test_nominee_outside_the_officer_scope_is_404(world, users, tiers, client_as):
    response = client_as("officer_b").post(
        reverse("awards:nomination-create", args=[CODE]),
        {
            "campaign": world.campaign.pk,
            "tier": tiers["giay-khen-chu-tich-thi-xa"].pk,
            "unit": world.commune_a.pk,
            "proposer_unit": world.commune_b.pk,
            "period_kind": "year",
            "period_year": 2024,
            "achievements": "x",
        },
    )
    assert response.status_code == 404
    assert not Nomination.objects.exists()


def test_the_cluster_filter_offers_only_clusters_the_persons_nominations_name(
    world, users, make_nomination, client_as
):
    make_nomination()  # commune A, in the test cluster
    other = ClusterFactory(code="CUM-KHAC", name="Cụm thi đua không liên quan")
    UnitFactory(code="XA-KHAC", name="Xã Khác", cluster=other)
    page = client_as("secretariat").get(reverse("awards:nomination-list", args=[CODE]))
    options = page.context["filter"].form.fields["cluster"].queryset
    assert list(options.values_list("name", flat=True)) == ["Cụm thi đua thử nghiệm"]
    assert "Cụm thi đua không liên quan" not in page.content.decode()


def test_wrong_nominee_kind_shows_a_message_next_to_the_form(world, users, tiers, client_as):
    response = client_as("officer_a").post(
        reverse("awards:nomination-create", args=[CODE]),
        {
            "campaign": world.campaign.pk,
            "tier": tiers["lao-dong-tien-tien"].pk,
            "unit": world.commune_a.pk,
            "proposer_unit": world.commune_a.pk,
            "period_kind": "year",
            "period_year": 2024,
            "achievements": "x",
        },
    )
    assert response.status_code == 200
    assert "không xét cho đối tượng tập thể" in response.content.decode()
    assert not Nomination.objects.exists()


CSV_HEADER = (
    "recipient_kind,recipient_code_or_name,tier_code,decision_number,decision_date,campaign_code\n"
)


def test_import_awards_dedupes_and_keeps_titles_apart(world, tiers):
    data = (
        CSV_HEADER
        + "unit,XA-A,giay-khen-chu-tich-thi-xa,88/QĐ-UBND,2023-12-20,test-ntm-2021-2025\n"
        + "unit,XA-A,giay-khen-chu-tich-thi-xa,88/QĐ-UBND,2023-12-20,test-ntm-2021-2025\n"
        + "person,Trương Thị Ánh Nguyệt,chien-si-thi-dua-co-so,12/QĐ-UBND,2024-02-01,\n"
    ).encode()
    plan = run_import("awards", data, "awards.csv")
    assert plan.ok, plan.errors
    assert Award.objects.count() == 2
    again = run_import("awards", data, "awards.csv")
    assert (again.created, Award.objects.count()) == (0, 2)
    title = Award.objects.get(tier__code="chien-si-thi-dua-co-so")
    assert (title.person, title.category, title.year) == (world.person_a, "merit", 2023)
    assert Award.objects.get(tier__code="giay-khen-chu-tich-thi-xa").category == "thematic"


def test_import_awards_refuses_bad_rows_and_saves_nothing(world, tiers):
    data = (
        CSV_HEADER
        + "unit,XA-A,giay-khen-chu-tich-thi-xa,88/QĐ-UBND,2023-12-20,\n"
        + "unit,XA-A,lao-dong-tien-tien,89/QĐ-UBND,2023-12-20,\n"
        + "person,Không Có Ai,chien-si-thi-dua-co-so,12/QĐ-UBND,2024-02-01,\n"
        + "unit,XA-A,khong-co,1/QĐ,20/12/2023,\n"
    ).encode()
    plan = run_import("awards", data, "awards.csv")
    assert not plan.ok
    messages = [str(e) for e in plan.errors]
    assert any("dòng 3" in m and "không dành cho tập thể" in m for m in messages)
    assert any("dòng 4" in m and "Không tìm thấy cá nhân" in m for m in messages)
    assert any("dòng 5" in m for m in messages)
    assert not Award.objects.exists()


def test_document_data_for_the_pdfs(make_nomination, users, council, world):
    n = make_nomination(S.CHECKED)
    item = session_add_item(session=council, nomination=n, by=users["secretariat"])
    everyone_present(council)
    session_open(session=council, by=users["secretariat"])
    for u in [users["chairman"], users["council_member"], *council.extra_members]:
        vote_cast(item=item, by=u, choice="agree")
    session_close(session=council, by=users["secretariat"])
    decision = decision_create(
        by=users["secretariat"],
        campaign=world.campaign,
        decision_date=datetime.date(2025, 6, 20),
        title="Về việc khen thưởng",
        legal_bases="Luật A\nNghị định B",
        nominations=[Nomination.objects.get(pk=n.pk)],
        session=council,
    )
    decision_sign(
        decision=decision, by=users["chairman"], number="125/QĐ-UBND", day=decision.decision_date
    )
    doc = decision_document(decision.pk)
    assert doc["number"] == "125/QĐ-UBND"
    assert doc["legal_bases"] == ["Luật A", "Nghị định B"]
    assert doc["awards"][0]["name"] == world.commune_a.name
    minutes = minutes_document(council.pk)
    assert minutes["members_total"] == 5
    assert minutes["items"][0]["agree"] == 5
    assert minutes["items"][0]["outcome"] == "passed"
    certs = certificates_document(decision.pk)
    assert [c["name"] for c in certs["certificates"]] == [world.commune_a.name]


@pytest.mark.parametrize(
    "url_name", ["awards:award-export", "awards:nomination-export", "awards:statistics-export"]
)
def test_exports_are_xlsx(url_name, client_as, make_nomination):
    make_nomination(S.DRAFT)
    response = client_as("secretariat").get(entry_url(url_name, CODE))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
