"""A session's audience of everyone becomes a choice of its own (`audience_everyone`).

Until now a session without audience units was open to everyone; from now on no units means
nobody, and everyone is said with the flag. The sessions already scheduled without units keep
what they meant: their flag is set. A session whose scheduler was deleted can be changed
(`created_by` may be blank).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def keep_everyone(apps, schema_editor):
    TrainingSession = apps.get_model("courses", "TrainingSession")
    Through = TrainingSession.audience_units.through
    with_units = Through.objects.values("trainingsession_id")
    TrainingSession.objects.exclude(pk__in=with_units).update(audience_everyone=True)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0004_drill_review_task"),
        ("lms", "0010_audit_certificates"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="trainingsession",
            name="audience_everyone",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Open to all the staff, whatever their unit. Units must then be left empty."
                ),
                verbose_name="for everyone",
            ),
        ),
        migrations.AlterField(
            model_name="trainingsession",
            name="audience_units",
            field=models.ManyToManyField(
                blank=True,
                help_text="And the units below them.",
                related_name="+",
                to="lms.orgunit",
                verbose_name="for the staff of",
            ),
        ),
        migrations.AlterField(
            model_name="trainingsession",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="scheduled by",
            ),
        ),
        migrations.RunPython(keep_everyone, migrations.RunPython.noop),
    ]
