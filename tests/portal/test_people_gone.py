"""Pages tolerate a person being gone (issue 14, item 22).

A link to a user account is set to null when the account is deleted (`on_delete=SET_NULL`):
the report's requester, the assessment's submitter, the news item's author… A page that read
`requested_by.username` answered 500 for such a row. The links are found by introspection
(every nullable ForeignKey to the user model); the tests

- delete an account that is the author of every such link in a populated world, then open every
  GET page of the access table (as the secretariat, or whoever may open it): never a 5xx;
- read every template: none reaches a name through such a link (`.username`, `.display_name`,
  `get_full_name`…); it names people with `{{ link|person }}` (portal/templatetags/people.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse

from portal.navigation import entry_url
from portal.roles import Role
from portal.templatetags.people import GONE
from reports.models import Report
from tests.access_matrix import ALL_SIGNED_IN, Row
from tests.campaigns import cycle_world, oversight_helpers
from tests.factories import UserFactory
from tests.portal.test_access_matrix import ROWS
from tests.reports.access_rows_reports import ready_report

# One world and its users per module, each test in a savepoint (tests/conftest.py).
SHARED_WORLD = True

APPS = ("portal", "units", "campaigns", "awards", "reports")
PERSONA = "secretariat"


def reader(row: Row) -> str | None:
    """Who opens the page: the secretariat, else the first persona that may."""
    for persona in (PERSONA, *ALL_SIGNED_IN, "anonymous"):
        if row.expected(persona) == 200:
            return persona
    return None


def nullable_user_links(*, emptied_on_delete: bool = False) -> dict[type[models.Model], list[str]]:
    """model → its nullable ForeignKeys to the user model (history tables left out); only those
    that deleting the account empties (SET_NULL) when `emptied_on_delete`."""
    user_model = get_user_model()
    found: dict[type[models.Model], list[str]] = {}
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if not (field.many_to_one and field.related_model is user_model and field.null):
                continue
            if emptied_on_delete and field.remote_field.on_delete is not models.SET_NULL:
                continue
            found.setdefault(model, []).append(field.name)
    return found


#: Every link to a person that can be empty: by design (nobody yet) or since the account is gone.
LINKS = nullable_user_links()
#: The links that deleting an account empties.
GONE_LINKS = nullable_user_links(emptied_on_delete=True)
GET_ROWS = [row for row in ROWS if row.method == "get" and reader(row)]


def test_the_nullable_links_to_people_were_found():
    names = {f"{model.__name__}.{name}" for model, fields in LINKS.items() for name in fields}
    assert {"Report.requested_by", "Assessment.submitted_by", "NewsItem.created_by"} <= names
    assert set(GONE_LINKS) <= set(LINKS)


def _populate(world, users) -> None:
    """One row of each kind that names a person on its pages, besides the rows the access
    table's own URLs create."""
    ready_report(world, users)
    cycle_world.registration(world.commune_a, world.campaign)
    cycle_world.extension(world.commune_a, world.campaign)
    cycle_world.assessment(world.commune_a, world.campaign)
    oversight_helpers.make_feedback(world)
    oversight_helpers.make_budget_line(world)
    oversight_helpers.make_news(world, published=True)
    oversight_helpers.make_recommendation(world)


def _depart(world, users) -> int:
    """A user who did everything, then whose account was deleted; how many links it emptied."""
    gone = UserFactory(username="da_nghi_viec", full_name="Cán bộ đã nghỉ việc")
    touched = 0
    for model, fields in GONE_LINKS.items():
        touched += model.objects.update(**dict.fromkeys(fields, gone))
    gone.delete()
    for model, fields in GONE_LINKS.items():
        assert not model.objects.filter(**{f"{fields[0]}__username": "da_nghi_viec"}).exists()
    return touched


@pytest.mark.parametrize("row", GET_ROWS, ids=lambda r: r.name)
def test_no_page_answers_5xx_when_the_people_it_names_are_gone(row, world, users, client_as):
    client = client_as(reader(row))
    client.raise_request_exception = False
    url = row.url(world, users)
    _populate(world, users)
    assert _depart(world, users) > 0
    response = client.get(url)
    assert response.status_code < 500, f"GET {url} → {response.status_code}"


@pytest.mark.parametrize(
    "url_name", ["reports:report-list", "reports:report-detail", "reports:signoff-queue"]
)
def test_a_report_whose_requester_was_deleted_shows_the_account_as_deleted(
    url_name, world, users, client_as
):
    requester = UserFactory(username="nguoi_yeu_cau", roles=[Role.SECRETARIAT])
    report = ready_report(world, users)
    Report.objects.filter(pk=report.pk).update(requested_by=requester)
    requester.delete()
    url = (
        reverse(url_name, args=[report.pk])
        if url_name.endswith("detail")
        else entry_url(url_name, report.campaign.code)
    )
    response = client_as("chairman" if url_name.endswith("queue") else PERSONA).get(url)
    assert response.status_code == 200
    assert GONE in response.content.decode()


NAME_ATTRIBUTES = r"(username|display_name|get_full_name|full_name|first_name|last_name|email)"


def test_no_template_reads_a_name_through_a_link_that_can_be_empty():
    fields = sorted({name for names in LINKS.values() for name in names})
    pattern = re.compile(rf"\b({'|'.join(fields)})\.{NAME_ATTRIBUTES}\b")
    offending = []
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(folder).rglob("*.html"):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if match := pattern.search(line):
                    offending.append(f"{path.relative_to(folder)}:{number}: {match.group(0)}")
    assert offending == [], "name people with {{ link|person }}: " + "; ".join(offending)
