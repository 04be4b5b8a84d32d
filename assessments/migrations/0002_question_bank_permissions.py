"""Trainers and administrators keep the question bank (frozen here, as roles are in lms)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

BANK = [
    f"{action}_{model}"
    for model in ("question", "questioncategory")
    for action in ("add", "change", "delete", "view")
]
GROUPS = ["Trainer", "Administrator"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    permissions = Permission.objects.filter(content_type__app_label="assessments", codename__in=BANK)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    permissions = Permission.objects.filter(content_type__app_label="assessments", codename__in=BANK)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial"), ("lms", "0004_roles")]
    operations = [migrations.RunPython(grant, revoke)]
