"""Numbers and text as Vietnamese users type them (docs/input.md): "12,5", "150.000.000",
ambiguity refused with a message, the localized number field in every form (found by
introspection), the same parser in imports; decomposed (NFD) text stored and searched as NFC."""

from __future__ import annotations

import inspect
import io
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook

from campaigns.cycle.forms import ReviewForm
from campaigns.models import AssessmentItem, Contribution, Criterion, ValueType
from portal.dataexchange import run_import
from portal.numbers import VnNumberField, format_vn_number, parse_vn_number
from tests.factories import CAMPAIGN_CODE as CODE
from tests.introspection import project_form_classes
from units.models import Person, Unit

CONTRIB_HEADER = "year,commune_code,contributor,contributor_kind,money_vnd,work_days,land_m2,note\n"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- The parser --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("12,5", {}, Decimal("12.5")),
        ("150.000.000", {"money": True}, Decimal(150_000_000)),
        ("150.250.500 đ", {"money": True}, Decimal(150_250_500)),
        ("150 000 000", {"money": True}, Decimal(150_000_000)),
        ("150\u00a0000\u00a0000", {"money": True}, Decimal(150_000_000)),
        ("1.234.567,5", {"decimal_places": 1}, Decimal("1234567.5")),
        ("150000000", {"money": True}, Decimal(150_000_000)),
        ("1.234", {"decimal_places": 1}, Decimal(1234)),
        ("0,125", {"decimal_places": 2}, Decimal("0.125")),
        ("1,234", {"decimal_places": 3}, Decimal("1.234")),
        ("150.000,00", {"money": True, "decimal_places": 0}, Decimal(150_000)),
        (" -3,5 ", {}, Decimal("-3.5")),
    ],
)
def test_numbers_written_the_vietnamese_way_are_read_as_meant(text, options, expected):
    assert parse_vn_number(text, **options) == expected


@pytest.mark.parametrize(
    ("text", "options", "message"),
    [
        ("1.5", {}, "Số “1.5” không rõ: viết 1,5 nếu là một phẩy năm."),
        ("17.50", {}, "viết 17,5 nếu là mười bảy phẩy năm."),
        ("1,234", {"decimal_places": 1}, "viết 1.234 nếu là một nghìn hai trăm ba mươi tư"),
        ("1,234", {"decimal_places": 0, "money": True}, "số tiền tính bằng đồng"),
        ("1,234,567", {}, "viết theo kiểu tiếng Anh: hãy viết 1.234.567"),
        ("1,234.5", {}, "hãy viết 1.234,5"),
        ("12 5", {}, "không phải là một số"),
        ("1e5", {}, "không phải là một số"),
        ("NaN", {}, "không phải là một số"),
        ("1.2.3", {}, "không phải là một số"),
    ],
)
def test_ambiguous_or_foreign_numbers_are_refused_with_a_vietnamese_message(text, options, message):
    with pytest.raises(ValidationError) as exc:
        parse_vn_number(text, **options)
    assert message in exc.value.messages[0]


def test_numbers_are_shown_the_vietnamese_way():
    assert format_vn_number(Decimal("12.5")) == "12,5"
    assert format_vn_number(Decimal(150_000_000)) == "150.000.000"
    assert format_vn_number(Decimal("17.50")) == "17,5"
    assert format_vn_number(2025, grouping=False) == "2025"


# --- Every form ---------------------------------------------------------------------------------


def _items() -> list[AssessmentItem]:
    """One unsaved assessment item per value type, so forms built from items show every kind of
    field they can build."""
    return [
        AssessmentItem(
            pk=i,
            criterion=Criterion(number=i, value_type=vt, max_points=Decimal(10)),
            reviewer_score=Decimal("7.50"),
            self_score=Decimal("8.00"),
        )
        for i, vt in enumerate(ValueType.values, start=1)
    ]


def _arguments(world, users) -> dict:
    """What the forms' constructors ask for, by parameter name. A form that needs something else
    fails the test below until it is taught here."""
    from awards.models import CouncilSession

    return {
        "items": _items(),
        "open_ids": None,
        "user": users["secretariat"],
        "campaign": world.campaign,
        "session": CouncilSession(campaign=world.campaign),
        "communes": Unit.objects.all(),
        "unit": world.commune_a,
        "criteria": [],
        "units": Unit.objects.all(),
        "clusters": [],
    }


# Reasoned exceptions: forms nobody types a number into.
NOT_TYPED = {
    # Django's own sign-in form subclassed: a user name and a password.
    "portal.forms.SignInForm",
}


def _number_fields(form: forms.BaseForm):
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.HiddenInput):
            continue  # a revision or an id the page carries, not typed by a person
        if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField) or (
            isinstance(field.widget, forms.NumberInput)
        ):
            yield name, field


def test_every_number_a_person_types_goes_through_the_vietnamese_number_field(world, users):
    """Walks every Form/ModelForm class of the project, builds it (with the arguments its view
    would give) and checks each number field: the localized field, a text box (never
    `<input type=number>`, which drops "12,5"), no `step`."""
    arguments = _arguments(world, users)
    wrong, unbuilt, checked = [], [], 0
    for form_class in project_form_classes():
        name = f"{form_class.__module__}.{form_class.__qualname__}"
        if name in NOT_TYPED or issubclass(form_class, AuthenticationForm):
            continue
        if issubclass(form_class, forms.ModelForm) and form_class._meta.model is None:
            continue  # an abstract base (its subclasses are walked)
        params = inspect.signature(form_class.__init__).parameters
        needed = [
            p.name
            for p in params.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is inspect.Parameter.empty
        ]
        if any(n not in arguments for n in needed):
            unbuilt.append(f"{name} (needs {needed})")
            continue
        form = form_class(**{n: arguments[n] for n in needed})
        for field_name, field in _number_fields(form):
            checked += 1
            html = str(form[field_name])
            if not isinstance(field, VnNumberField):
                wrong.append(f"{name}.{field_name}: {type(field).__name__}")
            elif 'type="number"' in html or "step=" in html:
                wrong.append(f"{name}.{field_name}: renders {html}")
    assert not unbuilt, "teach _arguments() how to build: " + ", ".join(unbuilt)
    assert not wrong, "number fields that are not portal.numbers fields: " + "; ".join(wrong)
    assert checked >= 30  # the walk did find the number fields (years, money, scores, …)


def test_no_template_writes_a_number_box_of_its_own():
    """Hand-written inputs must not be `type="number"` either; the only ones left are the year
    boxes of GET filters (a year is typed without separators and browsers show it as typed)."""
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for tag in re.findall(r"<input[^>]*>", path.read_text(encoding="utf-8")):
            if 'type="number"' in tag and 'name="year"' not in tag:
                offenders.append(f"{path.name}: {tag}")
    assert not offenders, offenders


# --- The contribution form and list ------------------------------------------------------------


def _contribution(**over) -> dict:
    return {
        "commune": "",
        "year": "2024",
        "contributor": "Nhân dân thôn Hội An",
        "contributor_kind": "people",
        "money_vnd": "150.250.500",
        "work_days": "12,5",
        "land_m2": "1.234,5",
        "in_kind": "",
        "note": "",
    } | over


def test_a_contribution_typed_the_vietnamese_way_is_stored_and_shown_as_typed(client_as, world):
    client = client_as("officer_a")
    data = _contribution(commune=world.commune_a.pk)
    response = client.post(reverse("campaigns:contribution-create", args=[CODE]), data)
    assert response.status_code == 302, response.context["form"].errors
    c = Contribution.objects.get()
    assert (c.work_days, c.money_vnd, c.land_m2) == (
        Decimal("12.5"),
        Decimal(150_250_500),
        Decimal("1234.5"),
    )
    page = client.get(reverse("campaigns:contribution-list", args=[CODE])).content.decode()
    assert '<td class="num">12,5</td>' in page
    assert '<td class="num">150.250.500</td>' in page
    assert '<td class="num">1.234,5</td>' in page
    form = client.get(reverse("campaigns:contribution-edit", args=[c.pk])).content.decode()
    money = re.search(r'<input[^>]*name="money_vnd"[^>]*>', form).group(0)
    assert 'value="150.250.500"' in money
    assert 'inputmode="numeric"' in money
    assert "step=" not in money
    assert 'type="number"' not in money
    assert re.search(r'<input[^>]*name="work_days"[^>]*value="12,5"', form)


def test_an_ambiguous_number_is_refused_with_a_message_and_the_input_kept(client_as, world):
    client = client_as("officer_a")
    data = _contribution(commune=world.commune_a.pk, work_days="1.5")
    response = client.post(reverse("campaigns:contribution-create", args=[CODE]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Số “1.5” không rõ: viết 1,5 nếu là một phẩy năm." in page
    assert re.search(r'<input[^>]*name="work_days"[^>]*value="1.5"', page)
    assert 'value="150.250.500"' in page  # the other fields keep what was typed, too
    assert not Contribution.objects.exists()


def test_a_reviewer_score_is_shown_with_a_decimal_comma():
    items = [
        AssessmentItem(
            pk=7,
            criterion=Criterion(number=1, value_type=ValueType.SCORE, max_points=Decimal(20)),
            reviewer_score=Decimal("17.50"),
        )
    ]
    html = str(ReviewForm(items=items)["r7_score"])
    assert 'value="17,5"' in html
    bound = ReviewForm({"r7_score": "17,5"}, items=items)
    assert bound.is_valid(), bound.errors
    assert bound.scores()[7]["reviewer_score"] == Decimal("17.5")
    refused = ReviewForm({"r7_score": "17.50"}, items=items)
    assert not refused.is_valid()
    assert "viết 17,5 nếu là mười bảy phẩy năm" in str(refused.errors["r7_score"])


# --- Imports ------------------------------------------------------------------------------------


def test_an_import_row_with_numbers_written_as_text_goes_through_the_same_parser(world):
    data = (
        CONTRIB_HEADER
        + '2024,XA-A,Nhân dân thôn Hội An,people,"150.000.000","12,5","1.234,5",\n'
        + "2024,XA-B,Hội Nông dân,unit,150000000,1.5,0,\n"
    ).encode("utf-8-sig")
    plan = run_import("contributions", data, "dong-gop.csv", dry_run=True)
    assert [(e.line, e.column) for e in plan.errors] == [(3, "work_days")]
    assert "viết 1,5 nếu là một phẩy năm" in plan.errors[0].message
    fixed = data.replace(b",1.5,", b',"1,5",')
    plan = run_import("contributions", fixed, "dong-gop.csv")
    assert plan.ok, plan.errors
    row = Contribution.objects.get(commune=world.commune_a)
    assert (row.money_vnd, row.work_days, row.land_m2) == (
        Decimal(150_000_000),
        Decimal("12.5"),
        Decimal("1234.5"),
    )


def test_number_cells_stay_numbers_and_text_cells_are_read_the_vietnamese_way(world):
    book = Workbook()
    sheet = book.active
    sheet.append(CONTRIB_HEADER.strip().split(","))
    sheet.append([2024, "XA-A", nfd("Nhân dân thôn Phổ An"), "people", 150250500, 2.5, 3, ""])
    sheet.append([2024, "XA-B", "Hội Nông dân", "unit", "150.000.000", "12,5", 1.5, ""])
    buffer = io.BytesIO()
    book.save(buffer)
    plan = run_import("contributions", buffer.getvalue(), "dong-gop.xlsx")
    assert plan.ok, plan.errors
    a = Contribution.objects.get(commune=world.commune_a)
    b = Contribution.objects.get(commune=world.commune_b)
    assert (a.money_vnd, a.work_days) == (Decimal(150_250_500), Decimal("2.5"))
    assert (b.money_vnd, b.work_days) == (Decimal(150_000_000), Decimal("12.5"))
    assert a.contributor == unicodedata.normalize("NFC", "Nhân dân thôn Phổ An")


@pytest.mark.parametrize(
    ("cell", "text", "number"),
    [
        (12.5, "12,5", Decimal("12.5")),
        (150000000, "150000000", Decimal(150000000)),
        (0.1 + 0.2, "0,30000000000000004", Decimal("0.30000000000000004")),
        (-3.25, "-3,25", Decimal("-3.25")),
        (1e-7, "0,0000001", Decimal("1E-7")),
        (Decimal("17.50"), "17,5", Decimal("17.5")),
    ],
)
def test_a_number_cell_keeps_its_exact_value_and_costs_what_its_text_costs(cell, text, number):
    from portal.numbers import NumberText

    read = NumberText(cell)
    assert (read, read.number) == (text, number)
    assert parse_vn_number(read) == number
    # 100,000 rows hold 400,000 number cells: no dictionary of their own.
    assert not hasattr(read, "__dict__")


# --- Unicode NFC ----------------------------------------------------------------------------------


def test_text_typed_decomposed_is_stored_composed_and_found_by_search(client_as, world):
    client = client_as("secretariat")
    typed = nfd("Nguyễn Thị Phổ An")
    assert typed != "Nguyễn Thị Phổ An"  # really decomposed
    response = client.post(
        reverse("units:person-create"),
        {
            "full_name": typed,
            "kind": "worker",
            "gender": "female",
            "birth_year": "1985",
            "affiliation": world.commune_a.pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    person = Person.objects.get(full_name__startswith="Nguy")
    assert person.full_name == "Nguyễn Thị Phổ An"
    assert unicodedata.is_normalized("NFC", person.full_name)
    found = client.get(reverse("units:person-list"), {"q": nfd("Phổ An")})
    assert person in found.context["page"]
    units = client.get(reverse("units:unit-list"), {"q": nfd("Phổ Thử A")})
    assert [u.name for u in units.context["page"]] == ["Xã Phổ Thử A"]


def test_a_decomposed_contribution_is_found_by_a_composed_search_and_the_other_way(
    client_as, world
):
    client = client_as("officer_a")
    data = _contribution(commune=world.commune_a.pk, contributor=nfd("Hộ ông Phổ Đức"))
    assert (
        client.post(reverse("campaigns:contribution-create", args=[CODE]), data).status_code == 302
    )
    assert Contribution.objects.get().contributor == "Hộ ông Phổ Đức"
    for q in ("Phổ Đức", nfd("Phổ Đức")):
        page = client.get(reverse("campaigns:contribution-list", args=[CODE]), {"q": q})
        assert [c.contributor for c in page.context["page"]] == ["Hộ ông Phổ Đức"]


def test_a_number_with_more_decimals_than_the_column_keeps_is_an_error_of_its_row(world):
    book = Workbook()
    sheet = book.active
    sheet.append(CONTRIB_HEADER.strip().split(","))
    sheet.append([2024, "XA-A", "Nhân dân", "people", 0, 0, 1.25, ""])
    sheet.append([2024, "XA-B", "Nhân dân", "people", "1.000,5", 0, 0, ""])
    buffer = io.BytesIO()
    book.save(buffer)
    plan = run_import("contributions", buffer.getvalue(), "dong-gop.xlsx")
    assert [(e.line, e.column) for e in plan.errors] == [(2, "land_m2"), (3, "money_vnd")]
    assert "tối đa 1 chữ số sau dấu phẩy" in plan.errors[0].message
    assert "không có phần lẻ" in plan.errors[1].message
    assert not Contribution.objects.exists()
