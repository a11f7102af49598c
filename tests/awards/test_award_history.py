"""The award history (/khen-thuong/lich-su/): searched by the name of a person, a collective or
the unit, with or without diacritics; one row per recipient with each award once; the Excel
export shows the same (issue 16, item 13)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from awards.models import Award, AwardSource
from portal.search import fold_marks, matcher
from tests.factories import PersonFactory, UnitFactory, VillageFactory


def _award(tier, number: str, *, day=datetime.date(2024, 12, 20), **recipient) -> Award:
    return Award.objects.create(
        tier=tier,
        year=day.year,
        decision_number=number,
        decision_date=day,
        source=AwardSource.MANUAL,
        **recipient,
    )


@pytest.fixture
def history(world, tiers):
    pho_an = UnitFactory(code="XA-PA", name="Xã Phổ An")
    village = VillageFactory(code="XA-PA-T1", name="Thôn Vĩnh Xuyên", parent=pho_an)
    hoa = PersonFactory(full_name="Lê Thị Hoa", affiliation=pho_an)
    pho = PersonFactory(full_name="Trần Văn Phò", affiliation=world.commune_b)
    giay_khen = tiers["giay-khen-chu-tich-thi-xa"]
    tap_the = tiers["tap-the-lao-dong-tien-tien"]
    _award(giay_khen, "125/QĐ-UBND", unit=pho_an)
    # The same award again, its number spelt without "Đ" (once imported, once from the portal).
    _award(giay_khen, "125/QD-UBND", unit=pho_an)
    _award(tap_the, "88/QĐ-UBND", unit=pho_an, day=datetime.date(2023, 12, 15))
    _award(giay_khen, "130/QĐ-UBND", person=hoa)
    _award(giay_khen, "131/QĐ-UBND", person=pho)
    _award(tap_the, "89/QĐ-UBND", unit=village, day=datetime.date(2023, 12, 15))
    _award(tap_the, "90/QĐ-UBND", unit=world.commune_b, day=datetime.date(2023, 12, 15))
    return {"pho_an": pho_an, "village": village, "hoa": hoa, "pho": pho}


def _names(response) -> list[str]:
    return [group.name for group in response.context["page"]]


def _list(client, **params):
    return client.get(reverse("awards:award-list"), params)


def test_search_without_marks_finds_the_collective_its_villages_and_its_people(history, client_as):
    client = client_as("secretariat")
    found = _names(_list(client, q="pho an"))
    assert sorted(found) == sorted(["Xã Phổ An", "Thôn Vĩnh Xuyên", "Lê Thị Hoa"])
    assert sorted(_names(_list(client, q="  PHỔ   AN "))) == sorted(found)  # marks, case, spaces
    assert _names(_list(client, q="hoa")) == ["Lê Thị Hoa"]  # a person by name
    assert _names(_list(client, q="vinh xuyen")) == ["Thôn Vĩnh Xuyên"]


def test_search_with_marks_keeps_them(history, client_as):
    client = client_as("secretariat")
    assert _names(_list(client, q="Phò")) == ["Trần Văn Phò"]  # not "Phổ An"
    assert "Trần Văn Phò" in _names(_list(client, q="pho"))  # typed bare: both


def test_a_search_that_finds_nobody_says_so(history, client_as):
    response = _list(client_as("secretariat"), q="Không Ai Tên Này")
    assert _names(response) == []
    assert "Không tìm thấy khen thưởng nào của “Không Ai Tên Này”" in response.content.decode()


def test_each_recipient_is_one_row_with_each_award_once(history, client_as):
    response = _list(client_as("secretariat"), q="Xã Phổ An")
    groups = {group.name: group for group in response.context["page"]}
    assert sorted(groups) == sorted(["Xã Phổ An", "Thôn Vĩnh Xuyên", "Lê Thị Hoa"])
    numbers = [a.decision_number for a in groups["Xã Phổ An"].awards]
    assert len(numbers) == 2  # 125 once (two spellings of one award), and 88
    assert "88/QĐ-UBND" in numbers
    page = response.content.decode()
    assert page.count('data-testid="recipient"') == 3
    assert page.count('data-testid="award-line"') == 4
    assert page.count("Xã Phổ An</a>") == 1


def test_search_stays_inside_the_officers_scope(history, client_as):
    # officer_a's commune is not Phổ An: the search finds nothing outside their units.
    assert _names(_list(client_as("officer_a"), q="pho an")) == []


def test_export_follows_the_search_and_lists_each_award_once(history, client_as):
    response = client_as("secretariat").get(reverse("awards:award-export"), {"q": "pho an"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] is not None]
    names = [r[1] for r in rows]
    numbers = [r[7] for r in rows]
    assert sorted(set(names)) == sorted(["Xã Phổ An", "Thôn Vĩnh Xuyên", "Lê Thị Hoa"])
    assert len(rows) == 4  # Phổ An 125 and 88, the village's 89, Hoa's 130
    assert sum(n.startswith("125/") for n in numbers) == 1
    # A recipient's awards stand together, as on the page.
    first = names.index("Xã Phổ An")
    assert names[first : first + 2] == ["Xã Phổ An", "Xã Phổ An"]


@pytest.mark.parametrize(
    ("query", "name", "found"),
    [
        ("pho an", "Xã Phổ An", True),
        ("duc pho", "Thị xã Đức Phổ", True),
        ("Đức", "thị xã đức phổ", True),
        ("Phổ", "Phò An", False),
        ("pho", "Phò An", True),
        ("an", "", False),
    ],
)
def test_matcher(query, name, found):
    assert matcher(query)(name) is found


def test_fold_marks():
    assert fold_marks("  Phổ   Ân, ĐỨC ") == "pho an, duc"
