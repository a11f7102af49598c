"""Access rows for the audit trail pages."""

from django.urls import reverse

from tests.access_matrix import Row


def _unit_a_trail(w, u):
    return reverse("audit-object", args=["units.unit", w.commune_a.pk])


ROWS = [
    Row(
        "audit list",
        lambda w, u: reverse("audit-list"),
        {"secretariat": 200, "officer_a": 200, "officer_b": 200},
        url_names=("audit-list",),
    ),
    Row(
        "audit trail of commune A",
        _unit_a_trail,
        {"secretariat": 200, "officer_a": 200, "officer_b": 404},
        url_names=("audit-object",),
    ),
]
