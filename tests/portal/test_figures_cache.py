"""Figures computed once per data version: the next request after a write sees the write."""

from __future__ import annotations

import pytest

from awards.models import AwardTier
from portal.audit import create_audited
from portal.figures_cache import cached_figure

pytestmark = pytest.mark.django_db


def test_a_cached_figure_is_computed_once_until_something_is_written():
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cached_figure("ranking", "c1", 2025, compute=compute) == 1
    assert cached_figure("ranking", "c1", 2025, compute=compute) == 1
    assert cached_figure("ranking", "c1", 2024, compute=compute) == 2  # other key parts, own figure
    assert len(calls) == 2


def test_an_audited_write_makes_the_next_read_compute_afresh():
    values = iter([10, 20])
    first = cached_figure("targets", "c1", compute=lambda: next(values))
    tier = AwardTier(
        code="thu",
        name="Giấy khen thử",
        kind="form",
        level="commune",
        authority="Chủ tịch UBND phường",
        decided_locally=True,
        nominee_kinds=["individual"],
    )
    create_audited(AwardTier, [tier])  # any audited write
    assert first == 10
    assert cached_figure("targets", "c1", compute=lambda: next(values)) == 20
