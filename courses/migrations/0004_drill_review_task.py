"""The drill review's approval task becomes a `DrillReviewTask`: the lead trainers' approval,
never the drill's own author's (courses/models/reviews.py). Same table, another type."""

from django.db import migrations

TASK = "主培训师审批"  # lead trainer approval, as 0003 named it


def _retype(apps, app_label: str, model: str) -> None:
    ContentType = apps.get_model("contenttypes.ContentType")
    Task = apps.get_model("wagtailcore.Task")
    content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
    Task.objects.filter(name=TASK).update(content_type=content_type)


def forward(apps, schema_editor):
    _retype(apps, "courses", "drillreviewtask")


def backward(apps, schema_editor):
    _retype(apps, "wagtailcore", "groupapprovaltask")


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_drill_review_workflow"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="DrillReviewTask",
            fields=[],
            options={
                "verbose_name": "Drill review task",
                "verbose_name_plural": "Drill review tasks",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("wagtailcore.groupapprovaltask",),
        ),
        migrations.RunPython(forward, backward),
    ]
