# ruff: noqa: RUF001
"""Drills are published through the "Drill review" workflow (courses/drills/).

A trainer writes and submits; a lead trainer approves (the drill goes live with rubric
version 1) or requests changes with a comment. A changed rubric, republished, becomes a
new version; sessions scheduled before keep theirs.
"""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import TaskState, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.demo.live import DRILLS, _drill_page
from courses.drills.permissions import drill_author_ids, is_drill_author
from courses.drills.selectors import review_workflow
from courses.models import DrillPage, RubricVersion
from courses.sessions import services
from lms import services as lms_services
from lms.models import Notification
from lms.roles import Role
from tests.factories import in_english

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer(make_staff, org):
    return make_staff(
        "east", roles=[Role.TRAINER], position="trainer", name="培训师", number="TR11"
    ).user


@pytest.fixture
def draft(drill_index, trainer):
    """A drill written by the trainer, saved as a draft."""
    page = _drill_page(DRILLS["complaint"], owner=trainer)
    page.has_unpublished_changes = True
    drill_index.add_child(instance=page)
    page.save_revision(user=trainer)
    return DrillPage.objects.get(pk=page.pk)


def edit_form_data(page: DrillPage, **action) -> dict:
    """The admin edit form's POST data for `page` as it stands."""
    rubric = [
        (
            "criterion",
            {
                "name": block.value["name"],
                "description": block.value["description"],
                "weight": str(block.value["weight"]),
                "levels": {
                    "count": str(len(block.value["levels"])),
                    **{
                        str(n): {
                            "value": {
                                "label": level["label"],
                                "descriptor": level["descriptor"],
                                "points": str(level["points"]),
                            },
                            "deleted": "",
                            "order": str(n),
                            "id": level_id,
                        }
                        for n, (level, level_id) in enumerate(
                            zip(
                                block.value["levels"],
                                [child.id for child in block.value["levels"].bound_blocks],
                                strict=True,
                            )
                        )
                    },
                },
            },
        )
        for block in page.rubric
    ]
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "module": page.module,
            "duration_minutes": str(page.duration_minutes),
            "scenario": rich_text(page.scenario),
            "objectives": page.objectives,
            "steps": page.steps,
            "materials": page.materials,
            "roles": streamfield(
                [
                    ("role", {"name": b.value["name"], "brief": b.value["brief"]})
                    for b in page.roles
                ]
            ),
            "rubric": streamfield(rubric),
        }
    )
    for n, block in enumerate(page.rubric):
        data[f"rubric-{n}-id"] = block.id
    data["target_positions"] = list(page.target_positions)
    data.update({f"action-{name}": "True" for name in action})
    return data


def in_progress_task(page) -> TaskState:
    state = WorkflowState.objects.get(object_id=str(page.pk), status="in_progress")
    return state.current_task_state


def test_drill_index_pages_are_reviewed(drill_index):
    assert drill_index.get_workflow() == review_workflow()
    assert review_workflow().tasks.get().specific.groups.get().name == Role.LEAD_TRAINER.value


def test_a_trainer_cannot_publish_a_drill(draft, trainer, lead, client):
    assert not draft.permissions_for_user(trainer).can_publish()
    assert draft.permissions_for_user(trainer).can_edit()
    assert draft.permissions_for_user(lead).can_publish()
    client.force_login(trainer)
    revisions = draft.revisions.count()
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[draft.pk]), edit_form_data(draft, publish=1)
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.revisions.count() == revisions + 1  # saved as a draft, not published
    assert not draft.live and draft.live_revision is None
    assert not RubricVersion.objects.filter(drill=draft).exists()


def test_a_new_drill_is_never_published_from_the_create_form(drill_index, trainer, lead, client):
    """Whoever writes a new drill is its author: it goes through the review, even when the
    writer is a lead trainer."""
    assert not drill_index.permissions_for_user(trainer).can_publish_subpage()
    assert drill_index.permissions_for_user(trainer).can_add_subpage()
    assert not drill_index.permissions_for_user(lead).can_publish_subpage()
    client.force_login(trainer)
    url = reverse("wagtailadmin_pages:add", args=["courses", "drillpage", drill_index.pk])
    form = client.get(url).content.decode()
    assert 'name="action-submit"' in form and 'name="action-publish"' not in form

    example = _drill_page(DRILLS["complaint"], owner=trainer)
    example.slug = "new-drill"
    data = {k: "" if v is None else v for k, v in edit_form_data(example, publish=1).items()}
    response = client.post(url, data)
    assert response.status_code == 302
    drill = DrillPage.objects.get(slug="new-drill")
    assert not drill.live and drill.live_revision is None  # saved as a draft
    assert not RubricVersion.objects.filter(drill=drill).exists()


def test_a_trainer_submits_and_a_lead_trainer_approves(draft, trainer, lead, client):
    client.force_login(trainer)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[draft.pk]), edit_form_data(draft, submit=1)
    )
    assert response.status_code == 302
    task_state = in_progress_task(draft)
    assert task_state.workflow_state.requested_by == trainer
    draft.refresh_from_db()
    assert not draft.live

    client.force_login(lead)
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[draft.pk, "approve", task_state.pk]),
        {"comment": ""},
    )
    assert response.status_code in (200, 302)
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED
    draft.refresh_from_db()
    assert draft.live
    assert [v.number for v in draft.rubric_versions.all()] == [1]
    assert draft.rubric_versions.get().rubric == draft.rubric_data()


def test_a_lead_trainer_requests_changes_with_a_comment(draft, trainer, lead):
    review_workflow().start(draft, trainer)
    task_state = in_progress_task(draft)
    task_state.task.specific.on_action(
        task_state, lead, "reject", comment="时效承诺一项请写明24小时。"
    )
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_REJECTED
    assert task_state.comment == "时效承诺一项请写明24小时。"
    assert task_state.finished_by == lead
    draft.refresh_from_db()
    assert not draft.live
    assert not RubricVersion.objects.filter(drill=draft).exists()


@pytest.fixture
def other_lead(make_staff):
    return make_staff(
        "south",
        roles=[Role.LEARNER, Role.TRAINER, Role.LEAD_TRAINER],
        position="trainer",
        name="另一位主培训师",
        number="LT02",
    ).user


def test_the_author_of_a_drill_never_approves_it(drill_index, lead, other_lead, client):
    """A lead trainer writes a drill: they can neither publish it nor approve its review;
    another lead trainer can."""
    page = _drill_page(DRILLS["complaint"], owner=lead)
    page.has_unpublished_changes = True
    drill_index.add_child(instance=page)
    page.save_revision(user=lead)
    drill = DrillPage.objects.get(pk=page.pk)
    assert not drill.permissions_for_user(lead).can_publish()
    review_workflow().start(drill, lead)
    task_state = in_progress_task(drill)
    assert task_state.task.specific.get_actions(drill, lead) == []

    client.force_login(lead)
    url = reverse("wagtailadmin_pages:workflow_action", args=[drill.pk, "approve", task_state.pk])
    client.post(url, {"comment": ""})
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS
    drill.refresh_from_db()
    assert not drill.live

    assert drill.permissions_for_user(other_lead).can_publish()
    client.force_login(other_lead)
    client.post(url, {"comment": ""})
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED
    assert task_state.finished_by == other_lead


def test_a_lead_trainer_who_changed_a_submitted_drill_cannot_approve_it(
    draft, trainer, lead, other_lead
):
    review_workflow().start(draft, trainer)
    draft.title = "电话投诉(主培训师改过)"
    draft.save_revision(user=lead)
    task_state = in_progress_task(draft)
    assert task_state.task.specific.get_actions(draft, lead) == []
    assert not draft.permissions_for_user(lead).can_publish()
    assert task_state.task.specific.get_actions(draft, other_lead)


def test_a_trainer_cannot_approve(draft, trainer):
    review_workflow().start(draft, trainer)
    task_state = in_progress_task(draft)
    assert task_state.task.specific.get_actions(draft, trainer) == []


def approved(draft, trainer, lead) -> DrillPage:
    review_workflow().start(draft, trainer)
    task_state = in_progress_task(draft)
    task_state.task.specific.on_action(task_state, lead, "approve")
    return DrillPage.objects.get(pk=draft.pk)


def test_a_changed_rubric_is_a_new_version_and_old_sessions_keep_theirs(draft, trainer, lead):
    drill = approved(draft, trainer, lead)
    assert drill.live
    start = timezone.now() + datetime.timedelta(days=3)
    session = services.session_schedule(
        by=lead,
        kind="drill",
        title="投诉处理演练",
        drill=drill,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        place="培训室",
        trainer=lead,
        capacity=8,
        audience_units=[lead.profile.org_unit],
    )
    assert session.rubric_version.number == 1

    drill.rubric[0].value["weight"] = drill.rubric[0].value["weight"] + 1
    drill.save_revision(user=trainer).publish(user=lead)
    assert [v.number for v in drill.rubric_versions.order_by("number")] == [1, 2]
    session.refresh_from_db()
    assert session.rubric_version.number == 1
    later = services.session_schedule(
        by=lead,
        kind="drill",
        title="投诉处理演练(二)",
        drill=drill,
        starts_at=start + datetime.timedelta(days=1),
        ends_at=start + datetime.timedelta(days=1, hours=1),
        place="培训室",
        trainer=lead,
        capacity=8,
        audience_units=[lead.profile.org_unit],
    )
    assert later.rubric_version.number == 2


def test_republishing_an_unchanged_rubric_adds_no_version(draft, trainer, lead):
    drill = approved(draft, trainer, lead)
    drill.title = "电话投诉:情绪激动的客户(修订)"
    drill.save_revision(user=trainer).publish(user=lead)
    assert [v.number for v in drill.rubric_versions.all()] == [1]


@pytest.mark.parametrize(
    ("language", "labels"),
    [("en", ("Weight", "Level", "Points", "What the trainer sees")), ("zh-hans", None)],
)
def test_the_rubric_is_a_card_per_criterion_on_a_phone(
    client, people, login, index, language, labels, no_mfa_enforcement
):
    """The rubric is a `table.stack` (cards under 600 px: tests/browser/test_tables_on_phones
    .py), each criterion's name its card's title and every other cell labelled, in both
    languages."""
    import re

    from django.utils import translation

    from tests.factories import drill as make_drill

    page = make_drill(index.get_parent(), publish_by=people["admin"].user)
    client = login(people["learner"])
    client.cookies["lms_language"] = language
    html = client.get(page.url).content.decode()
    table = html[html.index('<table class="rubric stack">') : html.index("</table>")]
    assert table.count('class="stack-title"') == 2  # one card a criterion
    cells = re.findall(r"<td[^>]*>", table)
    assert cells and all("data-label=" in cell for cell in cells)
    with translation.override(language):
        expected = labels or (
            translation.gettext("Weight"),
            translation.gettext("Level"),
            translation.gettext("Points"),
            translation.gettext("What the trainer sees"),
        )
    for label in expected:
        assert f'data-label="{label}"' in table
    if language == "zh-hans":
        assert 'data-label="Weight"' not in table


# Telling the reviewers ----------------------------------------------------------------------


def review_notices(user):
    return list(Notification.objects.filter(person=user, kind="drills.review").order_by("pk"))


@pytest.fixture
def reviewers(lead, other_lead):
    """Both lead trainers have an e-mail address; the other one reads English."""
    lead.email = "lead@example.com"
    lead.save(update_fields=["email"])
    other_lead.email, other_lead.language = "other@example.com", "en"
    other_lead.save(update_fields=["email", "language"])
    return lead, other_lead


def test_the_lead_trainers_are_told_once_when_a_drill_is_submitted(
    draft, trainer, reviewers, make_staff, client, django_capture_on_commit_callbacks
):
    """A trainer submits a drill: every lead trainer is told, in their language, with a link to
    the drill in the admin, and gets one e-mail (the notification's; not Wagtail's as well); the
    trainer who wrote it and a lead trainer who has left are not told, and Wagtail e-mails no
    superuser."""
    lead, other_lead = reviewers
    leaver = make_staff("east", roles=[Role.LEAD_TRAINER], position="trainer", number="LT09")
    lms_services.staff_mark_left(profile=leaver, on=timezone.localdate())
    superuser = make_staff("co", roles=[Role.ADMINISTRATOR], number="AD09").user
    superuser.is_superuser, superuser.email = True, "root@example.com"
    superuser.save(update_fields=["is_superuser", "email"])
    client.force_login(trainer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailadmin_pages:edit", args=[draft.pk]), edit_form_data(draft, submit=1)
        )
    assert response.status_code == 302

    edit = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    (chinese,) = review_notices(lead)
    assert chinese.subject == f"待审核演练：{draft.title}"
    assert f"培训师提交了演练“{draft.title}”，待您审核。" in chinese.body
    assert chinese.link == edit and f"http://testserver{edit}" in chinese.body
    (english,) = review_notices(other_lead)
    assert english.subject == f"Drill to review: {draft.title}"
    assert f"培训师 submitted the drill “{draft.title}” for review." in english.body
    assert review_notices(trainer) == [] and review_notices(leaver.user) == []

    assert sorted(m.to[0] for m in mail.outbox) == ["lead@example.com", "other@example.com"]
    assert {m.subject for m in mail.outbox} == {chinese.subject, english.subject}

    client.force_login(other_lead)
    assert english.subject in in_english(client).get("/inbox/").content.decode()


def test_a_lead_trainer_who_wrote_the_drill_is_not_told(drill_index, lead, other_lead):
    page = _drill_page(DRILLS["complaint"], owner=lead)
    page.has_unpublished_changes = True
    drill_index.add_child(instance=page)
    page.save_revision(user=lead)
    review_workflow().start(DrillPage.objects.get(pk=page.pk), lead)
    assert review_notices(lead) == []
    assert len(review_notices(other_lead)) == 1


def test_a_drill_submitted_again_after_changes_is_told_again(draft, trainer, lead, other_lead):
    review_workflow().start(draft, trainer)
    task_state = in_progress_task(draft)
    task_state.task.specific.on_action(task_state, lead, "reject", comment="请补充评分标准。")
    draft.save_revision(user=trainer)
    WorkflowState.objects.get(object_id=str(draft.pk)).resume(user=trainer)
    assert in_progress_task(draft).pk != task_state.pk
    assert len(review_notices(lead)) == 2
    assert len(review_notices(other_lead)) == 2


def test_other_group_approvals_keep_wagtails_own_email(index, make_staff, people):
    """Only the drill review's e-mail is the notifications' own: a group approval of another
    kind of page still e-mails its group, as Wagtail does."""
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask

    from tests.factories import course as make_course

    editors = Group.objects.create(name="课程审核")
    editor = make_staff("east", number="ED01", email="editor@example.com").user
    editor.groups.add(editors)
    task = GroupApprovalTask.objects.create(name="课程审批")
    task.groups.set([editors])
    workflow = Workflow.objects.create(name="课程审核")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    page, _lessons = make_course(index, "投诉处理", lessons=1)
    page.save_revision(user=people["trainer"].user)
    workflow.start(page, people["trainer"].user)
    assert [m.to for m in mail.outbox] == [["editor@example.com"]]
    assert not Notification.objects.filter(kind="drills.review").exists()


def test_the_authors_at_once_are_the_authors_one_by_one(draft, trainer, lead, other_lead):
    review_workflow().start(draft, trainer)
    draft.title = "电话投诉(主培训师改过)"
    draft.save_revision(user=lead)
    everyone = [trainer, lead, other_lead]
    assert {u.pk for u in everyone if is_drill_author(u, draft)} == drill_author_ids(draft)
    assert drill_author_ids(draft) == {trainer.pk, lead.pk}
