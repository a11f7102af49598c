"""Nothing lost when two people edit one record: the edit guard (portal/concurrency.py) on
every form that edits a row, found by introspection.

- Every form class of the project either carries the guard (`GuardedFormMixin`) or says why it
  does not edit an existing row (`edit_guard_exempt`). A new form without either fails here.
- Every guarded form is tried by two editors on a page that shows it (EDIT_PAGES, checked by
  collecting the forms each page renders): both open the page, the first saves a change to a
  field, the second (page opened earlier) saves another value to the same field. The first
  wins, the second is refused with who changed it, keeps its typed text on the page, and the
  first's value is still there afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django import forms
from django.forms.formsets import BaseFormSet
from django.urls import reverse

from portal.concurrency import GuardedFormMixin
from tests.introspection import project_form_classes
from tests.pageforms import form_data, page_forms


def test_every_form_either_guards_its_rows_or_says_why_it_edits_none():
    unclassified = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in project_form_classes()
        if not issubclass(cls, GuardedFormMixin) and not getattr(cls, "edit_guard_exempt", "")
    ]
    assert unclassified == [], (
        "Forms without the edit guard (portal/concurrency.py GuardedFormMixin) and without an "
        f"`edit_guard_exempt` reason: {unclassified}"
    )


# --- Two editors on every edit page -----------------------------------------------------------


@dataclass
class EditPage:
    """A page with an edit form, and who opens it twice."""

    name: str
    url: Callable  # (world, users) -> path of the page
    first: str  # persona who saves first
    second: str  # persona whose page was opened earlier
    field: str | Callable | None = None  # the text field both change; None: the first textarea
    action: Callable | None = None  # (world, users) -> the form's action, when not the page

    def field_name(self, data: dict, w, u) -> str:
        if callable(self.field):
            return self.field(w, u)
        return self.field or next(iter(data))


def _status_a(w, u):
    from campaigns.models import NtmStatus

    return NtmStatus.objects.get_or_create(unit=w.commune_a, year=2023, defaults={"level": "none"})[
        0
    ]


def _contribution_a(w, u):
    from campaigns.models import Contribution
    from tests.campaigns.access_rows_results import _contribution_a as make

    # Found by commune, not by the contributor's name the test changes.
    return Contribution.objects.filter(commune=w.commune_a).first() or make(w)


def _criteria_set(w, u):
    from tests.campaigns.access_rows_results import _set

    return _set(w)


def _exemplar(w, u):
    from tests.awards.access_rows_awards import exemplar

    return exemplar(w, u)


def _plan(w, u):
    """The campaign with one target and one milestone, so the plan page has rows to edit."""
    import datetime

    from campaigns.models import Milestone, Target

    Target.objects.get_or_create(
        campaign=w.campaign,
        title="Số xã đạt chuẩn NTM",
        defaults={"metric": "communes_ntm", "min_value": 5, "by_year": 2025},
    )
    Milestone.objects.get_or_create(
        campaign=w.campaign,
        kind="yearly_report",
        year=2024,
        defaults={"title": "Nộp báo cáo năm", "due_date": datetime.date(2024, 12, 15)},
    )
    return w.campaign


def _submitted(w, u):
    from campaigns.models import AssessmentStatus
    from tests.campaigns.access_rows_cycle import _a

    return _a(w, AssessmentStatus.SUBMITTED)


EDIT_PAGES = [
    EditPage(
        "unit",
        lambda w, u: reverse("units:unit-edit", args=[w.commune_a.pk]),
        "secretariat",
        "secretariat",
        "name",
    ),
    EditPage(
        "person",
        lambda w, u: reverse("units:person-edit", args=[w.person_a.pk]),
        "officer_a",
        "secretariat",
        "full_name",
    ),
    EditPage(
        "cluster",
        lambda w, u: reverse("units:cluster-edit", args=[w.commune_a.cluster_id]),
        "secretariat",
        "secretariat",
        "description",
    ),
    EditPage(
        "issuing authority",
        lambda w, u: reverse("units:authority-edit", args=[w.campaign.authority_id]),
        "secretariat",
        "secretariat",
        "signer_name",
    ),
    EditPage(
        "user",
        lambda w, u: reverse("user-edit", args=[u["officer_a"].pk]),
        "secretariat",
        "secretariat",
        "full_name",
    ),
    EditPage(
        "campaign",
        lambda w, u: reverse("campaigns:campaign-edit", args=[w.campaign.code]),
        "secretariat",
        "secretariat",
        "title",
    ),
    EditPage(
        "campaign targets",
        lambda w, u: reverse("campaigns:campaign-plan", args=[_plan(w, u).code]),
        "secretariat",
        "secretariat",
        "targets-0-title",
    ),
    EditPage(
        "campaign milestones",
        lambda w, u: reverse("campaigns:campaign-plan", args=[_plan(w, u).code]),
        "secretariat",
        "secretariat",
        "milestones-0-title",
    ),
    EditPage(
        "criteria set and its rows",
        lambda w, u: reverse("campaigns:criteriaset-edit", args=[_criteria_set(w, u).pk]),
        "secretariat",
        "secretariat",
        "criteria-0-text",
    ),
    EditPage(
        "NTM status",
        lambda w, u: reverse("campaigns:ntm-edit", args=[_status_a(w, u).unit_id, 2023]),
        "officer_a",
        "economic_office",
        "note",
    ),
    EditPage(
        "contribution",
        lambda w, u: reverse("campaigns:contribution-edit", args=[_contribution_a(w, u).pk]),
        "officer_a",
        "secretariat",
        "contributor",
    ),
    EditPage(
        "exemplar",
        lambda w, u: reverse("awards:exemplar-edit", args=[_exemplar(w, u).pk]),
        "secretariat",
        "secretariat",
        "summary",
    ),
    EditPage(
        "review of a submitted assessment",
        lambda w, u: _submitted(w, u).get_absolute_url(),
        "secretariat",
        "economic_office",
        lambda w, u: f"r{_submitted(w, u).items.order_by('pk').first().pk}_comment",
        action=lambda w, u: reverse("campaigns:assessment-review", args=[_submitted(w, u).pk]),
    ),
]

_OVERSIGHT = "tests/campaigns/test_oversight_lost_updates.py::"
_CYCLE = "tests/campaigns/cycle/test_lost_updates.py::"
_AWARDS = "tests/awards/test_lost_updates.py::"

#: Guarded forms whose two-person case is a test of its own: buttons and forms that sit inside
#: a list or a detail page (several per page, each with its own row), or a page that guards
#: rows that may not exist yet. Each named test must exist (checked below).
TRIED_ELSEWHERE = {
    "portal.concurrency.RowActionForm": "tests/campaigns/test_results_views.py::"
    "test_a_confirmation_of_figures_changed_since_the_page_was_opened_is_refused",
    "campaigns.oversight.forms.InspectionForm": _OVERSIGHT
    + "test_an_inspection_saved_from_an_older_page_is_refused_on_the_same_field",
    "campaigns.oversight.forms.RecommendationAnswerForm": _OVERSIGHT
    + "test_a_second_officer_answering_from_an_older_page_does_not_replace_the_first_answer",
    "campaigns.oversight.forms.RecommendationFollowUpForm": _OVERSIGHT
    + "test_a_follow_up_from_a_page_opened_before_the_unit_answered_is_refused",
    "campaigns.oversight.forms.SponsorshipResultForm": _OVERSIGHT
    + "test_a_years_result_entered_by_someone_else_meanwhile_is_not_overwritten",
    "campaigns.oversight.forms.FeedbackAssignForm": _OVERSIGHT
    + "test_assigning_a_difficulty_from_an_older_page_is_refused",
    "campaigns.oversight.forms.FeedbackAnswerForm": _OVERSIGHT
    + "test_an_answer_to_a_difficulty_from_an_older_page_is_refused_and_kept_on_the_page",
    "campaigns.oversight.forms.BudgetLineForm": _OVERSIGHT
    + "test_a_budget_line_edited_from_an_older_page_is_refused_on_the_same_field",
    "campaigns.oversight.forms.BudgetApproveForm": _OVERSIGHT
    + "test_a_second_approval_from_an_older_list_is_refused_with_the_amount_kept",
    "campaigns.oversight.forms.NewsForm": _OVERSIGHT
    + "test_news_edited_from_an_older_page_is_refused_and_merged_by_field",
    "campaigns.cycle.forms.RegistrationForm": _CYCLE
    + "test_a_registration_saved_from_an_older_page_is_refused_on_the_same_field",
    "campaigns.cycle.forms.DecideForm": _CYCLE
    + "test_an_extension_decided_from_an_older_list_is_refused_and_the_first_decision_stays",
    "awards.nominations.forms.CheckForm": _AWARDS
    + "test_a_check_from_a_page_opened_before_the_file_was_sent_back_is_refused",
    "awards.nominations.forms.NoteForm": _AWARDS
    + "test_sending_back_from_a_page_opened_before_the_check_is_refused_and_keeps_the_reason",
    "awards.council.forms.SessionTimesForm": _AWARDS
    + "test_meeting_times_typed_on_an_older_session_page_are_refused_and_kept",
    "awards.decisions.forms.AnswerForm": _AWARDS
    + "test_an_upper_level_answer_recorded_from_an_older_letter_page_is_refused",
    "reports.forms.NarrativeForm": "tests/reports/test_lost_updates.py::"
    "test_the_same_part_saved_from_an_older_page_is_refused_and_kept_on_the_page",
}


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def test_each_two_editor_case_named_elsewhere_exists():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    missing = []
    for node in TRIED_ELSEWHERE.values():
        path, name = node.split("::")
        tree = ast.parse((root / path).read_text())
        if name not in {f.name for f in tree.body if isinstance(f, ast.FunctionDef)}:
            missing.append(node)
    assert missing == []


def _open(client, page: EditPage, w, u) -> tuple[dict, str]:
    response = client.get(page.url(w, u))
    assert response.status_code == 200, f"{page.name}: GET {page.url(w, u)}"
    action = page.action(w, u) if page.action else page.url(w, u)
    return form_data(response, action=action), action


@pytest.mark.parametrize("edit_page", EDIT_PAGES, ids=lambda p: p.name)
def test_two_editors_one_wins_the_other_is_told_and_nothing_is_lost(
    edit_page, world, users, client_as
):
    page = edit_page
    first, second = client_as(page.first), client_as(page.second)
    data_first, action = _open(first, page, world, users)
    data_second, _ = _open(second, page, world, users)
    field = page.field_name(data_first, world, users)
    assert field in data_first, f"{page.name}: no field {field} in {sorted(data_first)}"
    data_first[field] = f"{data_first[field]} – sửa lần một".strip(" –")
    data_second[field] = f"{data_second[field]} – sửa lần hai".strip(" –")

    saved = first.post(action, data_first)
    assert saved.status_code == 302, f"{page.name}: the first save was refused"

    refused = second.post(action, data_second)
    text = refused.content.decode()
    assert refused.status_code in (200, 400), f"{page.name}: stale save → {refused.status_code}"
    assert "Không lưu được:" in text, f"{page.name}: the stale save was not refused"
    assert "sau khi bạn mở trang" in text, f"{page.name}: the refusal does not say why"
    assert users[page.first].display_name in text, f"{page.name}: the message names nobody"
    assert form_data(refused, action=action)[field] == data_second[field], (
        f"{page.name}: the second person's text is gone from the page"
    )

    now, _ = _open(first, page, world, users)
    assert now[field] == data_first[field], f"{page.name}: the first save was lost"


def test_every_guarded_form_is_tried_by_two_editors(world, users, client_as):
    """The pages above show every guarded form class (collected from what they render)."""
    shown: set[type] = set()
    for page in EDIT_PAGES:
        response = client_as(page.first).get(page.url(world, users))
        assert page_forms(response), page.name
        for context in response.context:
            for values in context.dicts:
                for value in values.values():
                    # Formset rows are subclasses the factory makes of the declared form.
                    if isinstance(value, forms.BaseForm):
                        shown |= set(type(value).__mro__)
                    elif isinstance(value, BaseFormSet):
                        shown |= {c for f in value.forms for c in type(f).__mro__}
    guarded = {cls for cls in project_form_classes() if issubclass(cls, GuardedFormMixin)}
    untried = sorted(
        _name(cls)
        for cls in guarded - shown
        if not cls.__name__.startswith("_") and _name(cls) not in TRIED_ELSEWHERE
    )
    assert untried == [], f"Guarded forms no two-editor case opens: {untried}"
