"""HR and administrators keep the certificate templates, and HR may upload and choose the
images a template shows (logo, signature) in the root collection (frozen here, as roles are
in lms)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TEMPLATES = [f"{action}_certificatetemplate" for action in ("add", "change", "view")]
GROUPS = ["HR", "Administrator"]
IMAGES = ["add_image", "choose_image"]


def _permissions(apps):
    Permission = apps.get_model("auth.Permission")
    templates = Permission.objects.filter(
        content_type__app_label="assessments", codename__in=TEMPLATES
    )
    images = Permission.objects.filter(
        content_type__app_label="wagtailimages", codename__in=IMAGES
    )
    return list(templates), list(images)


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    templates, images = _permissions(apps)
    root = Collection.objects.filter(depth=1).first()
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*templates, *images)
        if root is not None:
            for permission in images:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root, permission=permission
                )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    templates, _images = _permissions(apps)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*templates)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0013_print_jobs"),
        ("lms", "0004_roles"),
        ("wagtailcore", "0001_initial"),
        ("wagtailimages", "0001_initial"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
