"""Wagtail's default workflow and its task, created in English ("Moderators approval"), named in
Chinese: a trainer's "submit" button read "提交给Moderators approval". The root of the page tree
too ("浏览: Root")."""

from django.db import migrations

OLD = "Moderators approval"
NEW = "内容审核"  # content review
ROOT_OLD = "Root"
ROOT_NEW = "全部页面"  # all pages


def rename(apps, schema_editor):
    apps.get_model("wagtailcore.Workflow").objects.filter(name=OLD).update(name=NEW)
    apps.get_model("wagtailcore.Task").objects.filter(name=OLD).update(name=NEW)
    apps.get_model("wagtailcore.Page").objects.filter(depth=1, title=ROOT_OLD).update(
        title=ROOT_NEW, draft_title=ROOT_NEW
    )


def restore(apps, schema_editor):
    apps.get_model("wagtailcore.Workflow").objects.filter(name=NEW).update(name=OLD)
    apps.get_model("wagtailcore.Task").objects.filter(name=NEW).update(name=OLD)
    apps.get_model("wagtailcore.Page").objects.filter(depth=1, title=ROOT_NEW).update(
        title=ROOT_OLD, draft_title=ROOT_OLD
    )


class Migration(migrations.Migration):
    dependencies = [("courses", "0008_drill_feeds_part")]

    operations = [migrations.RunPython(rename, restore)]
