"""The review queue's risk signals stored per assessment (campaigns/cycle/risk.py), scored
once for the assessments already there."""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models

#: campaigns.cycle.risk.RISK_SQL as it was when this migration was written, over every
#: assessment (the signals of an assessment approved the year before: status "approved").
BACKFILL = """
WITH picked (id, campaign_id, unit_id, year) AS (SELECT id, campaign_id, unit_id, year FROM campaigns_assessment),
figures AS (
    SELECT i.assessment_id AS id,
        SUM(i.self_score) AS total,
        COUNT(*) AS item_count,
        SUM(CASE WHEN i.self_score > 0 AND ev.item_id IS NULL THEN 1 ELSE 0 END) AS unevidenced,
        SUM(CASE WHEN c.max_points > 0 AND i.self_score >= c.max_points THEN 1 ELSE 0 END)
            AS maxed
    FROM campaigns_assessmentitem i
    JOIN picked p ON p.id = i.assessment_id
    JOIN campaigns_criterion c ON c.id = i.criterion_id
    LEFT JOIN (SELECT DISTINCT item_id FROM campaigns_evidence) ev ON ev.item_id = i.id
    GROUP BY i.assessment_id
),
previous AS (
    SELECT p.id, SUM(COALESCE(i.reviewer_score, i.self_score)) AS total
    FROM picked p
    JOIN campaigns_assessment b ON b.campaign_id = p.campaign_id AND b.unit_id = p.unit_id
        AND b.year = p.year - 1 AND b.status = %s
    JOIN campaigns_assessmentitem i ON i.assessment_id = b.id
    GROUP BY p.id
),
scored AS (
    SELECT p.id,
        COALESCE(f.total, 0) AS total, v.total AS previous_total,
        COALESCE(f.unevidenced, 0) AS unevidenced, COALESCE(f.maxed, 0) AS maxed,
        COALESCE(f.item_count, 0) AS item_count,
        CASE WHEN v.total > 0 AND COALESCE(f.total, 0) > v.total * 1.20 THEN 3 ELSE 0 END
            AS jump_points,
        2 * CASE WHEN f.unevidenced > 3 THEN 3 ELSE COALESCE(f.unevidenced, 0) END
            AS evidence_points,
        CASE WHEN f.maxed >= 2 AND f.maxed * 2 >= f.item_count THEN 2 ELSE 0 END
            AS maxed_points
    FROM picked p
    LEFT JOIN figures f ON f.id = p.id
    LEFT JOIN previous v ON v.id = p.id
)
INSERT INTO campaigns_assessmentrisk (assessment_id, total, previous_total, unevidenced, maxed,
    item_count, jump_points, evidence_points, maxed_points, points)
SELECT id, total, previous_total, unevidenced, maxed, item_count, jump_points, evidence_points,
    maxed_points, jump_points + evidence_points + maxed_points
FROM scored WHERE true
ON CONFLICT (assessment_id) DO UPDATE SET total = excluded.total,
    previous_total = excluded.previous_total, unevidenced = excluded.unevidenced,
    maxed = excluded.maxed, item_count = excluded.item_count,
    jump_points = excluded.jump_points, evidence_points = excluded.evidence_points,
    maxed_points = excluded.maxed_points, points = excluded.points
"""


def backfill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(BACKFILL, ["approved"])


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0004_ntm_derived_facts"),
    ]

    operations = [
        migrations.CreateModel(
            name="AssessmentRisk",
            fields=[
                (
                    "assessment",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="risk",
                        serialize=False,
                        to="campaigns.assessment",
                    ),
                ),
                (
                    "total",
                    models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=10),
                ),
                ("previous_total", models.DecimalField(decimal_places=2, max_digits=10, null=True)),
                ("unevidenced", models.PositiveIntegerField(default=0)),
                ("maxed", models.PositiveIntegerField(default=0)),
                ("item_count", models.PositiveIntegerField(default=0)),
                ("jump_points", models.PositiveSmallIntegerField(default=0)),
                ("evidence_points", models.PositiveSmallIntegerField(default=0)),
                ("maxed_points", models.PositiveSmallIntegerField(default=0)),
                ("points", models.PositiveSmallIntegerField(default=0)),
            ],
            options={
                "verbose_name": "dấu hiệu rủi ro của bản tự đánh giá",
                "verbose_name_plural": "dấu hiệu rủi ro của bản tự đánh giá",
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
