"""The default scoring policy's note, shown to HR beside "version 1", in words HR reads: it said
"DESIGN.md defaults", a developer's file name."""

from django.db import migrations

OLD = "DESIGN.md defaults"
NEW = "默认规则（依据服务手册）"


def relabel(apps, schema_editor):
    ScoringPolicy = apps.get_model("assessments", "ScoringPolicy")
    ScoringPolicy.objects.filter(version=1, note=OLD).update(note=NEW)


def restore(apps, schema_editor):
    ScoringPolicy = apps.get_model("assessments", "ScoringPolicy")
    ScoringPolicy.objects.filter(version=1, note=NEW).update(note=OLD)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0021_certificate_issuer")]

    operations = [migrations.RunPython(relabel, restore)]
