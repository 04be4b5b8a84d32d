"""The four roles as groups, with their model and page permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen copies of lms.roles at the time of this migration: later changes get migrations of their own.
ROLE_PERMISSIONS = {
    "Learner": [],
    "Trainer": [
        "wagtailadmin.access_admin",
        "lms.view_staffprofile",
        "lms.view_orgunit",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ],
    "HR": [
        "wagtailadmin.access_admin",
        "lms.view_staffprofile",
        "lms.add_staffprofile",
        "lms.change_staffprofile",
        "lms.view_orgunit",
        "lms.view_auditevent",
    ],
    "Administrator": [
        "wagtailadmin.access_admin",
        "lms.view_staffprofile",
        "lms.add_staffprofile",
        "lms.change_staffprofile",
        "lms.view_orgunit",
        "lms.add_orgunit",
        "lms.change_orgunit",
        "lms.view_auditevent",
        "lms.add_user",
        "lms.change_user",
        "lms.view_user",
        "auth.add_group",
        "auth.change_group",
        "auth.view_group",
        "wagtailcore.add_site",
        "wagtailcore.change_site",
        "wagtailcore.view_site",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.delete_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.delete_document",
        "wagtaildocs.choose_document",
    ],
}

ROLE_PAGE_PERMISSIONS = {
    "Trainer": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    "Administrator": [
        "add_page",
        "change_page",
        "publish_page",
        "bulk_delete_page",
        "lock_page",
        "unlock_page",
    ],
}


def _ensure_permissions(apps):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_roles(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    Page = apps.get_model("wagtailcore.Page")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")

    root = Page.objects.filter(depth=1).first()
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for dotted in perms:
            app_label, codename = dotted.split(".")
            permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            group.permissions.add(permission)
        for codename in ROLE_PAGE_PERMISSIONS.get(role, []):
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)

    # Wagtail's starter groups would be confusing next to ours.
    Group.objects.filter(name__in=["Moderators", "Editors"]).delete()


def remove_roles(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0003_create_homepage"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
