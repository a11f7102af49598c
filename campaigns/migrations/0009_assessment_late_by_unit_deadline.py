"""Re-record "Nộp muộn" by the unit's deadline (campaigns/deadlines.py): before, a submission
inside the unit's granted extension was marked late because only the milestone was compared.
Only clears flags (a submission after the extended deadline was also after the milestone)."""

from django.db import migrations
from django.db.models import Max
from django.utils import timezone


def forwards(apps, schema_editor):
    Assessment = apps.get_model("campaigns", "Assessment")
    Milestone = apps.get_model("campaigns", "Milestone")
    ExtensionRequest = apps.get_model("campaigns", "ExtensionRequest")
    due = {
        (m["campaign_id"], m["year"]): m["due_date"]
        for m in Milestone.objects.filter(kind="yearly_report", year__isnull=False).values(
            "campaign_id", "year", "due_date"
        )
    }
    granted = {
        (e["campaign_id"], e["unit_id"], e["year"]): e["until"]
        for e in ExtensionRequest.objects.filter(status="granted", until__isnull=False)
        .values("campaign_id", "unit_id", "year")
        .annotate(until=Max("until"))
    }
    cleared = []
    for a in Assessment.objects.filter(is_late=True, submitted_at__isnull=False).iterator():
        milestone = due.get((a.campaign_id, a.year))
        if milestone is None:
            continue
        dates = [milestone, granted.get((a.campaign_id, a.unit_id, a.year)), a.extension_until]
        effective = max(d for d in dates if d is not None)
        if timezone.localtime(a.submitted_at).date() <= effective:
            cleared.append(a.pk)
    Assessment.objects.filter(pk__in=cleared).update(is_late=False)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0008_campaign_unconfirmed_publishing")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
