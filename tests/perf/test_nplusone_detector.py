"""The N+1 detector is wired into the test suite and fails a request that loads a relation per
row (tests/settings.py, tests/nplusone.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from zeal import NPlusOneError

pytestmark = pytest.mark.django_db


def test_zeal_is_installed_and_wraps_every_request():
    assert "zeal" in settings.INSTALLED_APPS
    assert settings.MIDDLEWARE[0] == "tests.nplusone.middleware"
    assert settings.ZEAL_RAISE is True


def test_production_settings_do_not_load_zeal():
    import portal.settings as production

    assert "zeal" not in production.INSTALLED_APPS
    assert not any("zeal" in m or "nplusone" in m for m in production.MIDDLEWARE)


@pytest.mark.urls("tests.perf.urls_nplusone")
def test_a_view_that_loads_a_relation_per_row_fails(world):
    with pytest.raises(NPlusOneError, match=r"units\.Unit\.parent"):
        Client().get("/__n-cong-1__/")


@pytest.mark.urls("tests.perf.urls_nplusone")
def test_the_same_view_with_a_join_passes(world):
    response = Client().get("/__mot-truy-van__/")
    assert sorted(response.content.decode().split(", ")) == ["Xã Phổ Thử A", "Xã Phổ Thử B"]
