"""Regroup the initial migrations that `makemigrations` writes on an empty history.

`makemigrations` breaks the cycles between apps (portal.User -> units.Unit -> history_user ->
portal.User; campaigns -> units -> units.Sponsorship.campaign -> campaigns) by creating every
model of awards, campaigns and portal without its foreign keys in 0001 and adding them all in
0002. On SQLite each added NOT NULL foreign key rebuilds its table, so `migrate` on a new
database takes twice as long as it needs to. Only units has to be split: this script rewrites
the generated files so that

- units 0001 creates the units models without their links to users and campaigns,
- portal 0001, campaigns 0001, awards 0001 and reports 0001 create their models whole,
- units 0002 adds the links to users and campaigns.

Run, from the project directory, after deleting the 0001/0002 `*_initial.py` files and running
`manage.py makemigrations portal units campaigns awards reports`:

    SECRET_KEY=x PYTHONPATH=$PWD python scripts/regroup_initial_migrations.py

then `manage.py makemigrations --check --dry-run` must report no changes. The hand-written
migrations after the initial ones (reference data, triggers: docs/data.md) are left alone; they
depend on `0001_initial` of their app.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import migrations  # noqa: E402
from django.db.migrations.optimizer import MigrationOptimizer  # noqa: E402
from django.db.migrations.writer import MigrationWriter  # noqa: E402

APPS = ("units", "portal", "campaigns", "awards", "reports")
USER = "portal.user"
OPTION_OPERATIONS = (("constraints", migrations.AddConstraint), ("indexes", migrations.AddIndex))


def _load(app: str) -> list:
    ops = []
    for name in ("0001_initial", "0002_initial"):
        path = ROOT / app / "migrations" / f"{name}.py"
        if path.exists():
            ops += importlib.import_module(f"{app}.migrations.{name}").Migration.operations
            path.unlink()
    return ops


def _target(field) -> str:
    remote = getattr(field, "remote_field", None)
    if remote is None:
        return ""
    model = remote.model
    if isinstance(model, str):
        return model.lower()
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _outward(field) -> bool:
    target = _target(field)
    return target == USER or target.startswith("campaigns.")


def _uses(item, names: set[str]) -> bool:
    """An index or constraint on one of the moved fields."""
    fields = set(getattr(item, "fields", ()) or ())
    fields |= {
        e.lstrip("-") for e in (getattr(item, "expressions", ()) or ()) if isinstance(e, str)
    }
    return bool({f.lstrip("-") for f in fields} & names)


def _split_units(ops: list) -> tuple[list, list]:
    """units 0001 without fields pointing at users or campaigns; those become AddFields (with
    the indexes and constraints that use them)."""
    first, later, moved = [], [], {}
    for op in ops:
        if isinstance(op, migrations.CreateModel):
            model = op.name.lower()
            keep = [(n, f) for n, f in op.fields if not _outward(f)]
            move = [(n, f) for n, f in op.fields if _outward(f)]
            moved.setdefault(model, set()).update(n for n, _ in move)
            op.fields = keep
            later_items = []
            for key, kind in (
                ("constraints", migrations.AddConstraint),
                ("indexes", migrations.AddIndex),
            ):
                items = op.options.get(key, [])
                stay = [i for i in items if not _uses(i, moved[model])]
                later_items += [kind(model, i) for i in items if _uses(i, moved[model])]
                if items:
                    op.options[key] = stay
            first.append(op)
            later += [migrations.AddField(model_name=model, name=n, field=f) for n, f in move]
            later += later_items
        elif isinstance(op, migrations.AddField) and _outward(op.field):
            moved.setdefault(op.model_name.lower(), set()).add(op.name)
            later.append(op)
        elif isinstance(op, (migrations.AddConstraint, migrations.AddIndex)) and _uses(
            getattr(op, "constraint", None) or op.index, moved.get(op.model_name.lower(), set())
        ):
            later.append(op)
        else:
            first.append(op)
    return first, later


def _write(app: str, name: str, ops: list, dependencies: list) -> None:
    ops = MigrationOptimizer().optimize(ops, app)
    migration = type("Migration", (migrations.Migration,), {"operations": ops})(name, app)
    migration.initial = True
    migration.dependencies = dependencies
    writer = MigrationWriter(migration)
    Path(writer.path).write_text(writer.as_string())
    print(f"{writer.path}: {len(ops)} operations")


def main() -> None:
    ops = {app: _load(app) for app in APPS}
    user = ("__setting__", "AUTH_USER_MODEL")
    units_first, units_later = _split_units(ops["units"])
    _write("units", "0001_initial", units_first, [])
    _write(
        "portal",
        "0001_initial",
        ops["portal"],
        [
            ("auth", "0012_alter_user_first_name_max_length"),
            ("units", "0001_initial"),
        ],
    )
    _write("campaigns", "0001_initial", ops["campaigns"], [("units", "0001_initial"), user])
    _write(
        "units",
        "0002_initial",
        units_later,
        [
            ("units", "0001_initial"),
            ("campaigns", "0001_initial"),
            user,
        ],
    )
    _write(
        "awards",
        "0001_initial",
        ops["awards"],
        [
            ("campaigns", "0001_initial"),
            ("units", "0002_initial"),
            user,
        ],
    )
    _write(
        "reports",
        "0001_initial",
        ops["reports"],
        [
            ("campaigns", "0001_initial"),
            ("units", "0002_initial"),
            user,
        ],
    )


if __name__ == "__main__":
    main()
