"""The national criteria sets (QĐ 318/QĐ-TTg, amended by QĐ 211/QĐ-TTg) are reference data: every
install has them after `migrate`, before any campaign exists (campaigns/reference.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from campaigns.reference import ensure_ntm_criteria

    ensure_ntm_criteria(
        apps.get_model("campaigns", "NtmCriterionSet"),
        apps.get_model("campaigns", "NtmCriterion"),
    )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [
        # Backwards keeps the rows: statuses may already point at these criteria.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
