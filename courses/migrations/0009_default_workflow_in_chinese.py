"""Wagtail's default workflow and its task, created in English ("Moderators approval"), named in
Chinese: a trainer's "submit" button read "提交给Moderators approval"."""

from django.db import migrations

OLD = "Moderators approval"
NEW = "内容审核"  # content review


def rename(apps, schema_editor):
    apps.get_model("wagtailcore.Workflow").objects.filter(name=OLD).update(name=NEW)
    apps.get_model("wagtailcore.Task").objects.filter(name=OLD).update(name=NEW)


def restore(apps, schema_editor):
    apps.get_model("wagtailcore.Workflow").objects.filter(name=NEW).update(name=OLD)
    apps.get_model("wagtailcore.Task").objects.filter(name=NEW).update(name=OLD)


class Migration(migrations.Migration):
    dependencies = [("courses", "0008_drill_feeds_part")]

    operations = [migrations.RunPython(rename, restore)]
