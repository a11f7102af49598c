"""Access rows for the browser import pages and the unit list's Excel export."""

from __future__ import annotations

import uuid

from django.urls import reverse

from portal.dataexchange import IMPORTERS
from portal.roles import Role, roles_with
from tests.access_matrix import ALL_SIGNED_IN, Row
from units.models import Unit

# The roles each persona of tests/conftest.py holds.
PERSONA_ROLES = {
    "officer_a": {Role.UNIT_OFFICER},
    "officer_b": {Role.UNIT_OFFICER},
    "economic_office": {Role.ECONOMIC_OFFICE},
    "secretariat": {Role.SECRETARIAT},
    "council_member": {Role.COUNCIL_MEMBER},
    "chairman": {Role.CHAIRMAN, Role.COUNCIL_MEMBER},
    "observer": {Role.OBSERVER},
}


def _holders(capability: str, status: int) -> dict[str, int]:
    return {p: status for p in ALL_SIGNED_IN if PERSONA_ROLES[p] & roles_with(capability)}


def _may_import_something() -> dict[str, int]:
    """The import list opens for anyone holding the capability of a registered importer (other
    apps register theirs later, so this is computed, not written out)."""
    caps = {cls.capability for cls in IMPORTERS.values()}
    return {p: 200 for p in ALL_SIGNED_IN if any(PERSONA_ROLES[p] & roles_with(c) for c in caps)}


NO_SUCH_TOKEN = uuid.UUID("00000000-0000-4000-8000-000000000000")


def _upload(w, u):
    return {"file": _good_file()}


def _good_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        "don-vi.csv", "code,name,kind,parent_code,cluster\r\nXA-MOI,Xã Mới,commune,,\r\n".encode()
    )


ROWS = [
    Row(
        "import list",
        lambda w, u: reverse("import-index"),
        _may_import_something(),
        url_names=("import-index",),
    ),
    Row(
        "units import form",
        lambda w, u: reverse("import-upload", args=["units"]),
        _holders("unit.import", 200),
        url_names=("import-upload",),
    ),
    Row(
        "units import upload POST (nothing saved before confirm)",
        lambda w, u: reverse("import-upload", args=["units"]),
        _holders("unit.import", 302),
        method="post",
        data=_upload,
        snapshot=lambda w, u: Unit.objects.count(),
    ),
    Row(
        "unknown import kind",
        lambda w, u: reverse("import-upload", args=["khong-co"]),
        dict.fromkeys(ALL_SIGNED_IN, 404),
    ),
    Row(
        "units import template",
        lambda w, u: reverse("import-template", args=["units"]),
        _holders("unit.import", 200),
        url_names=("import-template",),
    ),
    Row(
        "import preview of a token not in the user's session",
        lambda w, u: reverse("import-preview", args=["units", NO_SUCH_TOKEN]),
        _holders("unit.import", 404),
        url_names=("import-preview",),
    ),
    Row(
        "import confirm of a token not in the user's session",
        lambda w, u: reverse("import-confirm", args=["units", NO_SUCH_TOKEN]),
        _holders("unit.import", 404),
        method="post",
        snapshot=lambda w, u: Unit.objects.count(),
        url_names=("import-confirm",),
    ),
    Row(
        "import cancel of a token not in the user's session",
        lambda w, u: reverse("import-cancel", args=["units", NO_SUCH_TOKEN]),
        _holders("unit.import", 404),
        method="post",
        url_names=("import-cancel",),
    ),
    Row(
        "large import's progress page of a token not the user's",
        lambda w, u: reverse("import-progress", args=["units", NO_SUCH_TOKEN]),
        _holders("unit.import", 404),
        url_names=("import-progress",),
    ),
    Row(
        "large import's error file of a token not the user's",
        lambda w, u: reverse("import-errors", args=["units", NO_SUCH_TOKEN]),
        _holders("unit.import", 404),
        url_names=("import-errors",),
    ),
    Row(
        "unit list Excel export",
        lambda w, u: reverse("units:unit-export"),
        _holders("unit.export", 200),
        url_names=("units:unit-export",),
    ),
]
