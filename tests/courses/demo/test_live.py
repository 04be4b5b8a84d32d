"""The demo live training (courses.demo.live): drills, rubric versions, sessions, scores.

`seed_demo` loads everything (people, courses, then the live training) once for the
module, inside a transaction rolled back at the end.
"""

from io import StringIO

import pytest
from django.db import transaction
from django.utils import timezone
from wagtail.models import PageLogEntry, TaskState, WorkflowState

from courses.demo.live import DRILLS, load_demo_live
from courses.models import (
    Attendance,
    CheckInMethod,
    DrillEvaluation,
    DrillIndexPage,
    DrillPage,
    RubricVersion,
    SessionKind,
    SignUp,
    SignUpStatus,
    TrainingSession,
)
from courses.sessions.services import waiting_place
from lms.models import User
from lms.roles import Role, has_role

pytestmark = pytest.mark.django_db


def counts():
    return (
        DrillPage.objects.count(),
        RubricVersion.objects.count(),
        TrainingSession.objects.count(),
        SignUp.objects.count(),
        DrillEvaluation.objects.count(),
        WorkflowState.objects.count(),
    )


def test_drills_published_by_the_lead_trainer_with_version_1(seed_output):
    assert "Demo live training loaded" in seed_output
    lead = User.objects.get(username="T0001")
    assert has_role(lead, Role.LEAD_TRAINER)
    index = DrillIndexPage.objects.live().get()
    assert index.title == "实战演练"
    live = DrillPage.objects.child_of(index).live()
    assert live.count() == len(DRILLS) >= 4
    for drill in live:
        published = PageLogEntry.objects.get(page=drill, action="wagtail.publish")
        assert published.user == lead
        assert [v.number for v in drill.rubric_versions.all()] == [1]
        rubric = drill.rubric_data()
        assert 3 <= len(rubric.criteria) <= 5
        assert all(3 <= len(c.levels) <= 4 for c in rubric.criteria)
        assert drill.objective_list and drill.step_list and drill.material_list
        assert len(drill.roles) >= 2
    titles = " ".join(live.values_list("title", flat=True))
    assert "投诉" in titles and "火警" in titles and "破损" in titles and "异常" in titles


def test_one_drill_waits_for_the_lead_trainers_approval(seed_output):
    draft = DrillPage.objects.get(live=False)
    assert draft.owner.username == "T0002"
    assert not draft.rubric_versions.exists()
    state = WorkflowState.objects.get(object_id=str(draft.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by.username == "T0002"
    task_state = state.current_task_state
    assert task_state.status == TaskState.STATUS_IN_PROGRESS
    lead = User.objects.get(username="T0001")
    assert task_state.task.specific.user_can_access_editor(draft, lead)
    actions = [action[0] for action in task_state.task.specific.get_actions(draft, lead)]
    assert "approve" in actions and "reject" in actions


def test_sessions_two_weeks_back_and_ahead(seed_output):
    now = timezone.now()
    sessions = list(TrainingSession.objects.all())
    past = [s for s in sessions if s.ends_at < now]
    future = [s for s in sessions if s.starts_at > now]
    assert len(past) >= 6 and len(future) >= 6
    assert {s.kind for s in past} == {s.kind for s in future} == set(SessionKind.values)
    assert {s.trainer.username for s in sessions} == {"T0001", "T0002"}
    assert {u.code for s in sessions for u in s.audience_units.all()} == {
        "sh-pudong",
        "hz-xihu",
        "gz-tianhe",
    }
    for session in sessions:
        local = timezone.localtime(session.starts_at)
        assert 8 <= local.hour <= 19 and local.weekday() < 5
        assert abs((session.starts_at - now).days) <= 16
        if session.kind == SessionKind.DRILL:
            assert session.rubric_version.number == 1
            assert session.rubric_version.drill_id == session.drill_id
        confirmed = session.signups.filter(status=SignUpStatus.CONFIRMED).count()
        assert confirmed <= session.capacity


def test_full_sessions_have_a_waiting_list(seed_output):
    waiting = SignUp.objects.filter(
        status=SignUpStatus.WAITING, session__starts_at__gt=timezone.now()
    ).order_by("queued_at")
    assert waiting.exists()
    session = waiting[0].session
    assert session.signups.filter(status=SignUpStatus.CONFIRMED).count() == session.capacity
    assert waiting_place(waiting.filter(session=session).first()) == 1


def test_attendance_of_past_sessions(seed_output):
    past = SignUp.objects.filter(
        session__ends_at__lt=timezone.now(), status=SignUpStatus.CONFIRMED
    )
    assert not past.filter(attendance=Attendance.UNKNOWN).exists()
    present = past.filter(attendance=Attendance.PRESENT)
    absent = past.filter(attendance=Attendance.ABSENT)
    assert present.count() > 3 * absent.count() > 0
    assert present.filter(check_in_method=CheckInMethod.QR).exists()
    assert present.filter(check_in_method=CheckInMethod.LIST).exists()
    assert not SignUp.objects.filter(
        session__starts_at__gt=timezone.now(), attendance=Attendance.PRESENT
    ).exists()


def test_drill_evaluations_for_present_participants(seed_output):
    drills = TrainingSession.objects.filter(kind=SessionKind.DRILL, ends_at__lt=timezone.now())
    assert drills.count() >= 3
    for session in drills:
        present = set(
            session.signups.filter(attendance=Attendance.PRESENT).values_list("user", flat=True)
        )
        evaluations = list(session.evaluations.all())
        assert present and {e.user_id for e in evaluations} == present
        keys = {c.key for c in session.rubric_version.rubric.criteria}
        for evaluation in evaluations:
            assert set(evaluation.points) == keys  # every criterion scored
            assert evaluation.percent is not None and 0 < evaluation.percent <= 100
            assert evaluation.rubric_version_id == session.rubric_version_id
    assert DrillEvaluation.objects.exclude(comment="").exists()


def test_the_demo_learner_has_scores_and_an_upcoming_session(seed_output):
    learner = User.objects.get(username="E1001")
    assert DrillEvaluation.objects.filter(user=learner, percent__isnull=False).exists()
    assert SignUp.objects.filter(
        user=learner, status=SignUpStatus.CONFIRMED, session__starts_at__gt=timezone.now()
    ).exists()


def test_a_second_run_adds_nothing_and_is_fast(seed_output):
    before = counts()
    output = StringIO()
    load_demo_live(stdout=output)
    assert counts() == before
    assert "already loaded" in output.getvalue()


def test_loading_takes_a_bounded_number_of_queries(seed_output, django_assert_max_num_queries):
    """Not a timed test (a loaded machine fails it): the number of queries, which does not
    depend on the machine (2,733 when written; 3,010 since each sign-up tells the person their
    place, a notification in their inbox)."""
    with transaction.atomic():
        DrillEvaluation.objects.all().delete()
        SignUp.objects.all().delete()
        TrainingSession.objects.all().delete()
        WorkflowState.objects.all().delete()
        RubricVersion.objects.all().delete()
        for page in DrillIndexPage.objects.all():
            page.delete()
        with django_assert_max_num_queries(3_300):
            load_demo_live()
        assert DrillPage.objects.live().count() == len(DRILLS)
        transaction.set_rollback(True)
