"""Figures computed once until a table they read is written: the next request after a write sees
the write, and a write of other tables leaves them be."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from awards.models import AwardTier
from campaigns.models import Contribution, NtmStatus
from portal.audit import create_audited
from portal.figures_cache import cached_figure, reset
from units.models import Cluster

T = TypeVar("T")

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


# --- Each figure is renewed by a write of a table it read, and only then -------------------------


def _contributions() -> int:
    return Contribution.objects.count()


def _statuses() -> int:
    return NtmStatus.objects.count()


def _contribute(world, who: str = "Hộ ông Nguyễn Văn An") -> Contribution:
    return Contribution.objects.create(year=2025, commune=world.commune_a, contributor=who)


def test_a_write_renews_the_figures_that_read_its_table_and_keeps_the_others(world):
    assert cached_figure("money", compute=_contributions) == 0
    assert cached_figure("levels", compute=_statuses) == 0
    _contribute(world)
    NtmStatus.objects.create(unit=world.commune_b, year=2024)  # kept: read afresh below
    assert cached_figure("money", compute=_contributions) == 1
    with CaptureQueriesContext(connection) as ctx:
        assert cached_figure("money", compute=_contributions) == 1
    assert not ctx.captured_queries  # kept until the next contribution

    kept = cached_figure("levels", compute=_statuses)
    _contribute(world, "Công ty TNHH Minh Phát")
    with CaptureQueriesContext(connection) as ctx:
        assert cached_figure("levels", compute=_statuses) == kept  # no NTM row written
    assert not ctx.captured_queries
    assert cached_figure("money", compute=_contributions) == 2


def test_an_update_in_raw_sql_renews_the_figures_too(world):
    _contribute(world)
    assert cached_figure(
        "days", compute=lambda: list(Contribution.objects.values_list("work_days", flat=True))
    ) == [0]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE campaigns_contribution SET work_days = 12.5")
    assert cached_figure(
        "days", compute=lambda: list(Contribution.objects.values_list("work_days", flat=True))
    ) == [Decimal("12.5")]


def test_a_figure_computed_inside_another_renews_the_outer_one(world):
    def outer() -> tuple[int, int]:
        return cached_figure("inner", compute=_contributions), 7

    cached_figure("inner", compute=_contributions)  # the inner one is kept first
    assert cached_figure("outer", compute=outer) == (0, 7)  # reads the inner from the cache
    _contribute(world)
    assert cached_figure("outer", compute=outer) == (1, 7)


def test_an_edit_of_reference_data_renews_every_figure(world):
    """A computation may use a campaign or a unit passed in without reading it."""
    names = iter(["trước", "sau"])
    assert cached_figure("title", compute=lambda: next(names)) == "trước"
    Cluster.objects.filter(pk=world.commune_a.cluster_id).update(name="Cụm đổi tên")
    assert cached_figure("title", compute=lambda: next(names)) == "sau"


def _in_another_request(read: Callable[[], T]) -> T:
    """`read()` on a connection of its own (another request, another web process)."""
    out: list[T] = []

    def run() -> None:
        try:
            out.append(read())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return out[0]


class _Undo(Exception):
    pass


def _write_read_and_roll_back(world) -> int:
    with transaction.atomic():
        _contribute(world)
        # The writer reads its own row…
        seen = cached_figure("money", compute=_contributions)
        raise _Undo(seen)


def test_rows_of_a_transaction_rolled_back_are_never_kept(world):
    with pytest.raises(_Undo) as undone:
        _write_read_and_roll_back(world)
    assert undone.value.args == (1,)
    # …but no other request is ever given it from the cache.
    assert _in_another_request(lambda: cached_figure("money", compute=_contributions)) == 0


@pytest.mark.django_db(transaction=True)
def test_a_figure_read_by_another_request_during_a_write_is_renewed_when_it_commits():
    """Another request computing the figure between the write and its commit reads the rows
    before it and keeps them: the commit renews the table, so the next request sees the row."""
    from units.models import Unit, UnitKind

    commune = Unit.objects.create(code="XA-T", name="Xã Phổ Thử", kind=UnitKind.COMMUNE)
    reset()
    with transaction.atomic():
        Contribution.objects.create(year=2025, commune=commune, contributor="Hộ bà Lê Thị Bình")
        seen = _in_another_request(lambda: cached_figure("money", compute=_contributions))
    assert seen == 0  # the row was not committed yet
    assert _in_another_request(lambda: cached_figure("money", compute=_contributions)) == 1


def test_the_completeness_kept_in_the_cache_holds_the_late_units_query_not_their_rows(world):
    """Pickling a queryset reads all its rows: the dashboard's completeness part names the late
    units on demand, from the query it keeps."""
    import pickle

    from campaigns.rankings.summary import unit_completeness

    done = unit_completeness(world.campaign, 2025)
    assert done.late_units is not None
    with CaptureQueriesContext(connection) as ctx:
        kept = pickle.loads(pickle.dumps(done))
    assert not ctx.captured_queries
    assert kept.late_named() == done.late_named()


@pytest.mark.parametrize(
    "sql",
    [
        'INSERT INTO "portal_user_units" ("user_id", "unit_id") VALUES (%s, %s)',
        'INSERT OR IGNORE INTO "portal_user_units" ("user_id", "unit_id") VALUES (%s, %s)',
        'UPDATE "portal_user_units" SET "unit_id" = %s',
        'DELETE FROM "portal_user_units" WHERE "id" IN (%s)',
        "WITH x AS (SELECT 1) UPDATE portal_user_units SET unit_id = 1",
    ],
)
def test_every_form_of_write_names_its_table(sql):
    """PostgreSQL and SQLite spell writes differently (SQLite's many-to-many add is `INSERT OR
    IGNORE`): each names the table it changes."""
    from portal.figures_cache import written_by

    assert written_by(sql) == {"portal_user_units"}


def test_a_read_names_no_table_written():
    from portal.figures_cache import written_by

    locking = 'SELECT "portal_user_units"."id" FROM "portal_user_units" FOR UPDATE'
    assert written_by(locking) == set()
