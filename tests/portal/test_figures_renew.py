"""After a write, the worker computes again the figures readers asked for lately, so the next
reader finds them ready and up to date; it never runs anything but a declared figure."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from campaigns.models import Contribution
from portal import figures_cache
from portal.figures_cache import INDEX_KEY, QUEUED_KEY, figure, query_rows, renew
from units.models import Unit, UnitKind

pytestmark = pytest.mark.django_db

computed: list[int] = []


@figure
def contributions_in(year: int) -> int:
    computed.append(year)
    return Contribution.objects.filter(year=year).count()


def not_a_figure(year: int) -> int:
    computed.append(-year)
    return 0


@pytest.fixture(autouse=True)
def _fresh():
    computed.clear()
    cache.delete_many([INDEX_KEY, QUEUED_KEY])
    figures_cache._marked.clear()
    figures_cache._indexed.clear()
    yield
    figures_cache._marked.clear()
    figures_cache._indexed.clear()


def _contribute(world, year: int = 2025) -> None:
    Contribution.objects.create(
        year=year, commune=world.commune_a, contributor="Hộ ông Trần Văn Ba"
    )


def test_a_figure_read_lately_is_computed_again_after_a_write_before_anyone_asks(world):
    assert contributions_in(2025) == 0
    _contribute(world)
    assert renew() == 1  # the worker's task, after the write
    with CaptureQueriesContext(connection) as ctx:
        assert contributions_in(2025) == 1  # the reader sees the write…
    assert not ctx.captured_queries  # …already computed
    assert computed == [2025, 2025]


def test_a_figure_still_up_to_date_is_not_computed_again(world):
    contributions_in(2025)
    contributions_in(2024)
    _contribute(world, 2024)  # both read the table: both are renewed
    assert renew() == 2
    assert renew() == 0  # nothing written since
    assert computed == [2025, 2024, 2025, 2024]


def test_a_figure_nobody_reads_any_more_is_no_longer_renewed(world):
    contributions_in(2025)
    (key,) = cache.get(INDEX_KEY)
    cache.delete(figures_cache._read_marker(key))  # as after RENEW_WINDOW without a reader
    _contribute(world)
    assert renew() == 0
    assert cache.get(INDEX_KEY) == {}
    assert contributions_in(2025) == 1  # its next reader computes it, up to date


def test_the_renewal_runs_only_what_was_declared_a_figure(world):
    contributions_in(2025)
    index = cache.get(INDEX_KEY)
    (key,) = index
    forged = {key: (f"{__name__}.not_a_figure", (2025,)), "x": ("os.getcwd", ())}
    cache.set(INDEX_KEY, {**index, **forged}, None)
    cache.set(figures_cache._read_marker("x"), 1, 60)
    _contribute(world)
    renew()
    assert -2025 not in computed


def test_a_query_kept_as_a_figure_is_renewed_and_only_a_select_is_run(world):
    communes = Unit.objects.filter(kind=UnitKind.COMMUNE).order_by("code").values_list("code")
    before = query_rows(communes)
    Unit.objects.create(code="XA-MOI", name="Xã Phổ Mới", kind=UnitKind.COMMUNE)
    assert renew() == 1
    with CaptureQueriesContext(connection) as ctx:
        assert query_rows(communes) == sorted([*before, ("XA-MOI",)])
    assert not ctx.captured_queries
    with pytest.raises(ValueError, match="only a SELECT"):
        figures_cache._rows("DELETE FROM units_unit")
    assert Unit.objects.filter(code="XA-MOI").exists()


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_asks_the_worker_once_and_the_next_reader_finds_the_figure_ready():
    commune = Unit.objects.create(code="XA-T", name="Xã Phổ Thử", kind=UnitKind.COMMUNE)
    figures_cache.reset()
    assert contributions_in(2025) == 0
    sent: list[int] = []
    real = figures_cache.renew

    def worker() -> int:
        sent.append(1)
        return real()

    with (
        override_settings(FIGURES_RENEW=True, CELERY_TASK_ALWAYS_EAGER=True),
        pytest.MonkeyPatch.context() as mp,
    ):
        mp.setattr(figures_cache, "renew", worker)
        with transaction.atomic():
            for who in ("Hộ bà Lê Thị Bình", "Hộ ông Phạm Văn Cường"):
                Contribution.objects.create(year=2025, commune=commune, contributor=who)
    assert sent == [1]  # one task for the transaction, sent when it committed
    with CaptureQueriesContext(connection) as ctx:
        assert contributions_in(2025) == 2
    assert not ctx.captured_queries


def test_a_broker_that_is_down_never_stops_a_write(world, monkeypatch):
    from portal.tasks import renew_figures

    def down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(renew_figures, "apply_async", down)
    with override_settings(FIGURES_RENEW=True, CELERY_TASK_ALWAYS_EAGER=False):
        figures_cache.bump_tables(["campaigns_contribution"])
    assert cache.get(QUEUED_KEY) is None  # the next write asks again
