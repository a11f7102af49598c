"""The units services save a row from its values (never a form) and name who did it."""

from __future__ import annotations

import pytest

from portal.models import AuditEvent
from units.models import UnitKind
from units.services import cluster_save, unit_save


def test_a_unit_saved_outside_a_request_names_the_person_in_its_history_and_audit(
    world, secretariat
):
    unit = unit_save(
        unit=None,
        values={
            "code": "thon-moi",
            "name": "Thôn Mới",
            "kind": UnitKind.VILLAGE,
            "parent": world.commune_a,
            "successors": [world.commune_b],
        },
        by=secretariat,
    )
    assert list(unit.successors.all()) == [world.commune_b]
    assert unit.history.first().history_user == secretariat
    created = AuditEvent.objects.filter(model="units.unit", object_id=str(unit.pk)).first()
    assert created.actor_id == secretariat.pk


def test_editing_a_unit_keeps_what_its_values_do_not_name(world, secretariat):
    commune = world.commune_a
    unit_save(unit=commune, values={"note": "Xã điểm"}, by=secretariat)
    commune.refresh_from_db()
    assert (commune.note, commune.kind) == ("Xã điểm", UnitKind.COMMUNE)


def test_a_value_that_is_not_a_field_is_a_programming_error(world, secretariat):
    with pytest.raises(TypeError, match="no field 'seen'"):
        cluster_save(cluster=None, values={"code": "k1", "seen": "token"}, by=secretariat)
