"""The "Lead trainer" role and the drill review workflow: a lead trainer's approval.

Trainers keep their page permissions; the drill page itself narrows who may publish it
(courses/drills/permissions.py). Permissions for the live-training models go to the roles that
schedule sessions (trainers) and read them (HR, administrators).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Lead trainer"
WORKFLOW = "演练审核"  # drill review
TASK = "主培训师审批"  # lead trainer approval

MODEL_PERMISSIONS = {
    "Trainer": [
        "add_trainingsession",
        "change_trainingsession",
        "view_trainingsession",
        "view_rubricversion",
    ],
    GROUP: [
        "add_trainingsession",
        "change_trainingsession",
        "view_trainingsession",
        "view_rubricversion",
    ],
    "HR": ["view_trainingsession", "view_rubricversion"],
    "Administrator": [
        "add_trainingsession",
        "change_trainingsession",
        "delete_trainingsession",
        "view_trainingsession",
        "view_rubricversion",
    ],
}


def create(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    ContentType = apps.get_model("contenttypes.ContentType")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")

    lead, _created = Group.objects.get_or_create(name=GROUP)
    lead.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    for name, codenames in MODEL_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label="courses", codename=codename)
            )

    task_type = ContentType.objects.get_for_model(GroupApprovalTask)
    task, _created = GroupApprovalTask.objects.get_or_create(
        name=TASK, defaults={"content_type": task_type, "active": True}
    )
    task.groups.add(lead)
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})


def remove(apps, schema_editor):
    apps.get_model("wagtailcore.Workflow").objects.filter(name=WORKFLOW).delete()
    apps.get_model("wagtailcore.Task").objects.filter(name=TASK).delete()
    apps.get_model("auth.Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_live_training"),
        ("lms", "0008_audit_data_imported"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create, remove)]
