"""The default scoring policy (DESIGN.md), as version 1: HR's edits add versions after it."""

from django.db import migrations

DEFAULT_POLICY = {
    "part_weights": {
        "knowledge": "30",
        "satisfaction": "25",
        "efficiency": "25",
        "teamwork": "20",
    },
    "attempt_rule": "best",
    "source_weights": {"questionnaire": "1", "phone": "1", "online": "1", "mystery_shopper": "1"},
    "complaint_penalties": {"service": "5", "transport": "3", "information": "3", "other": "2"},
    "late_reply_penalty": "2",
    "measure_targets": {
        "pickups": "0.95",
        "deliveries": "0.95",
        "queries": "0.90",
        "exceptions": "0.95",
        "accuracy": "0.995",
    },
    "position_measures": {
        "courier": {"pickups": "1", "deliveries": "2", "exceptions": "1", "accuracy": "1"},
        "customer_service": {"queries": "2", "exceptions": "1", "accuracy": "1"},
        "station_staff": {"exceptions": "1", "accuracy": "2"},
    },
    "bands": [["excellent", "90"], ["good", "80"], ["pass", "60"]],
    "floors": {"knowledge": "60", "satisfaction": "60", "efficiency": "60", "teamwork": "60"},
}


def create(apps, schema_editor):
    ScoringPolicy = apps.get_model("assessments", "ScoringPolicy")
    ScoringPolicy.objects.get_or_create(
        version=1, defaults={"data": DEFAULT_POLICY, "note": "DESIGN.md defaults"}
    )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0008_cycles")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
