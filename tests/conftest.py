"""Shared fixtures: a small world of units, and one persona per role.

Personas (named as in the permission matrix): anonymous, officer_a (commune A), officer_b
(commune B), economic_office, secretariat, council_member, chairman, observer.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

import pytest
from django.core.cache import caches
from django.test import Client

from portal import figures_cache
from portal.roles import Role
from units.models import Unit, UnitKind

from .access_matrix import ALL_SIGNED_IN, STATS
from .factories import (
    CampaignFactory,
    ClusterFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
    VillageFactory,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

# --- Browser tests: headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) -------
# Every test under tests/browser, and any test marked `browser` elsewhere, is a browser test:
# skipped when Chromium is not installed (never run `playwright install`).
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    has_chromium = bool(shutil.which(CHROMIUM) or os.path.exists(CHROMIUM))
    skip = pytest.mark.skip(reason=f"Chromium not installed at {CHROMIUM}")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("browser") and not has_chromium:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


# --- The access matrix's end-of-run summary ("Access matrix: N requests, 0 mismatches") --------
# Under pytest-xdist each worker counts its own requests; the workers hand their counters to the
# controller when they finish, and the controller prints the sum.


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["access_stats"] = dict(STATS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    STATS.update(getattr(node, "workeroutput", {}).get("access_stats", {}))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if STATS["requests"]:
        terminalreporter.write_sep("-", "access matrix")
        terminalreporter.write_line(
            f"Access matrix: {STATS['requests']} requests, {STATS['mismatches']} mismatches"
            + "".join(
                f", {k}: {v}"
                for k, v in sorted(STATS.items())
                if k not in ("requests", "mismatches")
            )
        )


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    caches["throttle"].clear()  # every test starts with no request counted (portal/throttle.py)
    figures_cache.reset()  # no desk or figure read by an earlier test (rolled back, cache not)
    # …nor its recipes for the worker's renewal (their campaigns and units were rolled back).
    caches["default"].delete(figures_cache.INDEX_KEY)
    figures_cache._indexed.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Production settings (DEBUG=0) apply in tests, except HTTPS: the test client and the
    # live server speak plain HTTP.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@dataclass
class World:
    """The objects the access matrix and most tests use."""

    commune_a: Unit
    village_a: Unit
    commune_b: Unit
    village_b: Unit
    department: Unit
    campaign: object
    person_a: object


def _build_world() -> World:
    cluster = ClusterFactory(code="CUM-TEST", name="Cụm thi đua thử nghiệm")
    commune_a = UnitFactory(code="XA-A", name="Xã Phổ Thử A", cluster=cluster)
    commune_b = UnitFactory(code="XA-B", name="Xã Phổ Thử B", cluster=cluster)
    return World(
        commune_a=commune_a,
        village_a=VillageFactory(code="XA-A-T1", name="Thôn Hội An Thử", parent=commune_a),
        commune_b=commune_b,
        village_b=VillageFactory(code="XA-B-T1", name="Thôn An Thạch Thử", parent=commune_b),
        department=UnitFactory(code="PB-KT", name="Phòng Kinh tế thử", kind=UnitKind.DEPARTMENT),
        campaign=CampaignFactory(),
        person_a=PersonFactory(full_name="Trương Thị Ánh Nguyệt", affiliation=commune_a),
    )


def _build_users(world: World) -> dict:
    return {
        "officer_a": UserFactory(
            username="officer_a", roles=[Role.UNIT_OFFICER], units=[world.commune_a]
        ),
        "officer_b": UserFactory(
            username="officer_b", roles=[Role.UNIT_OFFICER], units=[world.commune_b]
        ),
        "economic_office": UserFactory(username="economic_office", roles=[Role.ECONOMIC_OFFICE]),
        "secretariat": UserFactory(username="secretariat", roles=[Role.SECRETARIAT]),
        "council_member": UserFactory(username="council_member", roles=[Role.COUNCIL_MEMBER]),
        "chairman": UserFactory(username="chairman", roles=[Role.CHAIRMAN, Role.COUNCIL_MEMBER]),
        "observer": UserFactory(username="observer", roles=[Role.OBSERVER]),
    }


# --- One world per test module -------------------------------------------------------------------
# The world and the users are built once per module (and per xdist worker), inside a transaction
# that is rolled back after the module's last test, as Django's TestCase.setUpTestData does; each
# test runs in a savepoint inside it (pytest-django's `db`), so what a test writes is gone before
# the next, and each test gets fresh Python objects read from the database, so nothing a test sets
# on them leaks either. Nothing is committed: other modules never see these rows. Building them
# for every test cost a dozen audited saves a test, each with its history row and chain append.
#
# A module shares its world when one of its tests asks for it and none needs real commits
# (`transactional_db`, `live_server`, `django_db(transaction=True)`: the live server's threads
# and committed rows could not see an open transaction's). `SHARED_WORLD = False` opts a module
# out; `SHARED_WORLD = True` also signs each persona in once for the module (below, `client_as`):
# the access table and the families built on its rows, where sign-ins were a quarter of the time.

#: Fixtures that need rows committed, not held in the module's transaction.
_COMMITTING = {"transactional_db", "live_server", "django_db_serialized_rollback"}


@dataclass
class _Shared:
    world: World
    users: dict
    #: persona → (session key, user pk, the user's session auth hash when it was made)
    sessions: dict


def _signed_in_sessions(users: dict) -> dict:
    """One signed-in session per persona, made as `Client.force_login` makes it (the sign-in
    signal included: last_login, its history and audit event, django-axes)."""
    from django.conf import settings

    sessions = {}
    for name, user in users.items():
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        sessions[name] = (
            client.cookies[settings.SESSION_COOKIE_NAME].value,
            user.pk,
            user.get_session_auth_hash(),
        )
    return sessions


def _commits(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool(_COMMITTING & set(getattr(item, "fixturenames", ())))


def _shares_world(request: pytest.FixtureRequest) -> bool:
    explicit = getattr(request.module, "SHARED_WORLD", None)
    if explicit is not None:
        return bool(explicit)
    items = [i for i in request.session.items if getattr(i, "module", None) is request.module]
    return any({"world", "users"} & set(i.fixturenames) for i in items) and not any(
        _commits(i) for i in items
    )


@pytest.fixture(scope="module", autouse=True)
def _module_world(request):
    if not _shares_world(request):
        yield None
        return
    from django.db import transaction

    request.getfixturevalue("django_db_setup")
    django_db_blocker = request.getfixturevalue("django_db_blocker")

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        # Test scaffolding like a TestCase's class-level transaction: what a test writes inside
        # it is committed for the portal's purposes (portal.figures_cache renews the tables).
        outer._from_testcase = True
        outer.__enter__()
        try:
            world = _build_world()
            users = _build_users(world)
            sessions = (
                _signed_in_sessions(users) if getattr(request.module, "SHARED_WORLD", False) else {}
            )
            yield _Shared(world=world, users=users, sessions=sessions)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _fresh(shared: _Shared) -> tuple[World, dict]:
    """New instances of the module's world and users, read from the database."""
    from dataclasses import fields

    from portal.models import User

    world = World(
        **{
            f.name: type(getattr(shared.world, f.name))._default_manager.get(
                pk=getattr(shared.world, f.name).pk
            )
            for f in fields(World)
        }
    )
    by_pk = User.objects.in_bulk([u.pk for u in shared.users.values()])
    return world, {name: by_pk[u.pk] for name, u in shared.users.items()}


@pytest.fixture
def _fresh_shared(request, _module_world, db):
    return _fresh(_module_world) if _module_world is not None else None


@pytest.fixture
def world(_fresh_shared, db) -> World:
    if _fresh_shared is not None:
        return _fresh_shared[0]
    return _build_world()


PERSONAS = ["anonymous", *ALL_SIGNED_IN]


@pytest.fixture
def users(world, _fresh_shared):
    if _fresh_shared is not None:
        return _fresh_shared[1]
    return _build_users(world)


@pytest.fixture
def client_as(users, _module_world):
    """client_as("officer_a") → a Client signed in as that persona ("anonymous": signed out).

    In a SHARED_WORLD module the first client of each persona in a test reuses the persona's
    session made with the module's world (`_signed_in_sessions`): signing in writes last_login,
    its history and an audit event, which was a quarter of the access families' time. The
    session row is the one a sign-in makes; what a test's requests write to it (`started`,
    `last_seen`, a sign-out) is rolled back with the test. A second client of the same persona
    in one test, or a persona whose password changed, signs in afresh, so two clients never
    share a session."""
    from django.conf import settings

    shared = _module_world.sessions if _module_world is not None else {}
    reused: set[str] = set()

    def make(persona: str) -> Client:
        client = Client()
        if persona == "anonymous":
            return client
        user = users[persona]
        key, pk, auth_hash = shared.get(persona, (None, None, None))
        if (
            key
            and persona not in reused
            and (user.pk, user.get_session_auth_hash()) == (pk, auth_hash)
        ):
            reused.add(persona)
            client.cookies[settings.SESSION_COOKIE_NAME] = key
        else:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def secretariat(users):
    return users["secretariat"]


@pytest.fixture
def officer_a(users):
    return users["officer_a"]
