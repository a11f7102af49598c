"""Roles are tested in one place: portal/roles.py (the table) and portal/access.py (the answers).

Everything else asks a capability — `can`/`require` for a row, `scope_for` for the rows a
capability reaches, `unit_kinds_for`, `users_holding` — so a rule such as "the economic office
reviews only communes and villages" is written once, in `portal.roles.UNIT_KINDS`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portal import access
from portal.roles import CAPABILITIES, UNIT_KINDS, Role

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "units", "campaigns", "awards", "reports")

#: The two files that know roles.
ROLE_FILES = {"portal/roles.py", "portal/access.py"}
#: Files that manage roles rather than test them: the grant itself, the user form and its
#: service (which roles a user is given), the user list's filter by role, the demo's users.
MANAGES_ROLES = {
    "portal/models.py",
    "portal/forms.py",
    "portal/services.py",
    "portal/filters.py",
    "portal/demo.py",
}

#: How code compares roles directly.
ROLE_TESTS = [
    (re.compile(r"(?<!portal)\.roles\b"), "reads a user's roles"),
    (re.compile(r"\bhas_role\b"), "asks for a role"),
    (re.compile(r"(?<![\w.])Role\.\w+"), "names a role"),
    (
        re.compile(
            r"\b(SECRETARIAT|ECONOMIC_OFFICE|UNIT_OFFICER|COUNCIL_MEMBER|CHAIRMAN|OBSERVER)\b"
        ),
        "names a role",
    ),
    (re.compile(r"role_grants__role"), "looks users up by role"),
    (
        re.compile(
            r"""["'](secretariat|economic_office|unit_officer|council_member|chairman)["']"""
        ),
        "compares with a role's value",
    ),
    (re.compile(r"\broles_with\b"), "reads the table of roles"),
]


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel or rel in ROLE_FILES or rel in MANAGES_ROLES:
                continue
            yield rel, path.read_text(encoding="utf-8")


def test_no_code_outside_roles_and_access_compares_roles():
    found = []
    for rel, text in _sources():
        for number, line in enumerate(text.splitlines(), 1):
            code = line.split("#", 1)[0]
            for pattern, what in ROLE_TESTS:
                if pattern.search(code):
                    found.append(f"{rel}:{number} {what}: {line.strip()}")
    assert not found, "Ask portal.access for a capability instead:\n" + "\n".join(found)


def test_the_check_would_catch_the_old_ways_of_writing_the_rule():
    old = [
        "return SECRETARIAT in roles or group in ECONOMIC_OFFICE_GROUPS",
        "if SECRETARIAT not in user.roles:",
        "groups = None if SECRETARIAT in request.user.roles else GROUPS",
        "if UNIT_OFFICER in user.roles:",
        'User.objects.filter(role_grants__role__in=["council_member"])',
        "if Role.CHAIRMAN in request.user.roles:",
    ]
    for line in old:
        assert any(p.search(line) for p, _ in ROLE_TESTS), line
    # Council seats (MemberRole) are not the user's roles.
    assert not any(p.search("seat.role == MemberRole.CHAIR") for p, _ in ROLE_TESTS)


def test_unit_kind_limits_name_real_kinds_and_capabilities():
    from units.models import UnitKind

    for capability, limits in UNIT_KINDS.items():
        assert capability in CAPABILITIES
        for role, kinds in limits.items():
            assert role in CAPABILITIES[capability], (capability, role)
            assert kinds <= set(UnitKind.values), (capability, kinds)


class _Row:
    def __init__(self, unit_id, kind):
        self.access_unit_id = unit_id
        self.access_unit_kind = kind


class _User:
    is_authenticated = True

    def __init__(self, *roles):
        self.roles = frozenset(roles)
        self._unit_scope_cache = frozenset({1})


@pytest.mark.parametrize(
    ("roles", "kind", "allowed"),
    [
        ((Role.ECONOMIC_OFFICE,), "commune", True),
        ((Role.ECONOMIC_OFFICE,), "village", True),
        ((Role.ECONOMIC_OFFICE,), "department", False),
        ((Role.SECRETARIAT,), "department", True),
        ((Role.ECONOMIC_OFFICE, Role.SECRETARIAT), "department", True),
        ((Role.UNIT_OFFICER,), "commune", False),
    ],
)
def test_the_economic_office_reviews_only_communes_and_villages(roles, kind, allowed):
    user = _User(*roles)
    assert access.can(user, "assessment.review", _Row(1, kind)) is allowed
    assert access.can(user, "assessment.review") is bool(
        set(roles) & CAPABILITIES["assessment.review"]
    )


def test_unit_kinds_for_names_the_kinds_a_reviewer_reviews():
    assert access.unit_kinds_for(_User(Role.ECONOMIC_OFFICE), "assessment.review") == {
        "commune",
        "village",
    }
    assert access.unit_kinds_for(_User(Role.SECRETARIAT), "assessment.review") is None
    assert access.unit_kinds_for(_User(Role.OBSERVER), "assessment.review") == frozenset()
