"""The demo's units of 1 July 2025 and the old units each one took over, as NQ 1677/NQ-UBTVQH15
(Art. 1) arranges former thị xã Đức Phổ (sources in docs/data.md)."""

from __future__ import annotations

import pytest

from units import demo
from units.models import Unit

pytestmark = pytest.mark.django_db

NQ_1677 = {
    "Phường Đức Phổ": {
        "Phường Nguyễn Nghiêm",
        "Phường Phổ Hòa",
        "Phường Phổ Minh",
        "Phường Phổ Vinh",
        "Phường Phổ Ninh",
    },
    "Phường Sa Huỳnh": {"Phường Phổ Thạnh", "Xã Phổ Châu"},
    "Phường Trà Câu": {"Phường Phổ Văn", "Phường Phổ Quang", "Xã Phổ An", "Xã Phổ Thuận"},
    "Xã Nguyễn Nghiêm": {"Xã Phổ Nhơn", "Xã Phổ Phong"},
    "Xã Khánh Cường": {"Xã Phổ Khánh", "Xã Phổ Cường"},
}


def test_each_successor_takes_the_units_the_resolution_names():
    demo.load()
    successors = Unit.objects.filter(valid_from__isnull=False, predecessors__isnull=False)
    found = {unit.name: {p.name for p in unit.predecessors.all()} for unit in successors.distinct()}
    assert found == NQ_1677
    # Every one of the 15 old units went somewhere, exactly once; verified, so not sample.
    old = [name for names in found.values() for name in names]
    assert len(old) == len(set(old)) == 15
    assert not Unit.objects.filter(name__in=NQ_1677, is_sample=True).exists()


def test_reloading_drops_the_links_an_earlier_demo_made():
    demo.load()
    wrong = Unit.objects.get(code="X2025-NGUYEN-NGHIEM")
    Unit.objects.get(code="XA-PHO-AN").successors.add(wrong)  # the old demo's mapping
    demo.load()
    assert {p.code for p in wrong.predecessors.all()} == {"XA-PHO-NHON", "XA-PHO-PHONG"}
