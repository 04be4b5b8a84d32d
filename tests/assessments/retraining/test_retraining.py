# Chinese text is written with its own full-width punctuation.
# ruff: noqa: RUF001
"""The loop back to training (manual 4.3.2, 5.3, 3.3.3): retraining rules give a course once
per cause, within their author's scope, say why on My learning and in the reports, and are
audited."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments.cycles import services as cycle_services
from assessments.imports import importing
from assessments.models import (
    CycleState,
    RetrainingCause,
    RetrainingRule,
)
from assessments.retraining.services import (
    RuleInput,
    retraining_after_complaints,
    rule_create,
    rule_deactivate,
    rule_update,
)
from courses.learning import services as learning
from courses.models import Assignment, Enrolment, LessonCompletion, PastCompletion
from lms.models.audit import AuditAction, AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SINCE = datetime.date(2026, 1, 1)


def rule_input(course, **fields) -> RuleInput:
    values = {
        "name": "服务类有责投诉：重学客户服务",
        "trigger": "complaint",
        "complaint_category": "service",
        "course": course,
        "due_days": 14,
        "applies_from": SINCE,
    }
    values.update(fields)
    return RuleInput(**values)


def complaints_file(*rows) -> bytes:
    return factories.csv_bytes(
        "complaints",
        [
            {
                "reference": reference,
                "employee_number": number,
                "received_at": "2026-10-08 09:00",
                "category": category,
                "company_at_fault": at_fault,
                "first_contact_at": "2026-10-08 10:00",
            }
            for reference, number, category, at_fault in rows
        ],
    )


def import_complaints(data: bytes, by=None):
    batch, outcome = importing.import_file(
        kind="complaints", name="complaints.csv", stream=io.BytesIO(data), by=by
    )
    assert outcome.ok, outcome.problems
    return batch


ROWS = (
    ("TS-1", "L001", "service", "yes"),  # the learner: at fault, service
    ("TS-2", "L002", "transport", "yes"),  # a colleague: at fault, another category
    ("TS-3", "L003", "service", "no"),  # Xihu: not at fault
    ("TS-4", "L004", "service", "yes"),  # the south: at fault, service
)


@pytest.fixture
def lead(make_staff, org):
    """A lead trainer (also a trainer) of the east region."""
    from lms.roles import Role

    return make_staff(
        "east",
        roles=[Role.LEARNER, Role.TRAINER, Role.LEAD_TRAINER],
        position="trainer",
        name="主培训师",
        number="LT01",
        trainer_units=[org["east"]],
    ).user


# The complaint rule -------------------------------------------------------------------------


def test_an_at_fault_complaint_gives_the_course_once_with_its_reason(
    people, course, django_capture_on_commit_callbacks
):
    hr = people["hr"].user
    rule = rule_create(data=rule_input(course, focus_page=course.lessons[1]), by=hr)
    assert not RetrainingCause.objects.exists()  # nothing imported yet
    with django_capture_on_commit_callbacks(execute=True):
        import_complaints(complaints_file(*ROWS), by=hr)

    # The at-fault service complaints only, whoever's they are in the company.
    causes = RetrainingCause.objects.filter(rule=rule).order_by("cause_key")
    assert [(c.cause_key, c.user.username) for c in causes] == [
        ("complaint:TS-1", "L001"),
        ("complaint:TS-4", "L004"),
    ]
    learner = people["learner"].user
    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert enrolment.due_on == TODAY + datetime.timedelta(days=14)
    assignment = enrolment.assignment
    assert assignment.cause_key == "complaint:TS-1" and "TS-1" in assignment.reason
    assert rule.name in assignment.reason and assignment.focus_page_id == course.lessons[1].pk
    assert assignment.created_by is None

    # Audited, as a course given by the rule, with the person it concerns.
    events = AuditEvent.objects.filter(action=AuditAction.COURSE_ASSIGNED)
    event = events.get(object_id=str(assignment.pk))
    assert event.actor_label == f"retraining rule {rule.pk}"
    assert event.subject_label == "L001"
    assert event.details["cause"] == "complaint:TS-1" and event.details["rule"] == rule.pk

    # The same file again, or a corrected one, gives nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        import_complaints(complaints_file(*ROWS), by=hr)
        import_complaints(complaints_file(("TS-1", "L001", "service", "yes")), by=hr)
    assert retraining_after_complaints() == 0
    assert RetrainingCause.objects.count() == 2
    assert Assignment.objects.exclude(cause_key="").count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.COURSE_ASSIGNED).count() == 2


def test_a_rule_answers_at_once_what_is_there_and_not_before_its_day(people, course):
    import_complaints(complaints_file(*ROWS))
    hr = people["hr"].user
    late = rule_create(
        data=rule_input(course, name="从明年起", applies_from=datetime.date(2027, 1, 1)), by=hr
    )
    assert not late.causes.exists()  # the complaints came before the day it applies from
    any_category = rule_create(data=rule_input(course, complaint_category=""), by=hr)
    assert sorted(any_category.causes.values_list("cause_key", flat=True)) == [
        "complaint:TS-1",
        "complaint:TS-2",
        "complaint:TS-4",
    ]
    # A stopped rule gives nothing more; nor does a rule whose course is taken down.
    assert rule_deactivate(rule=any_category, by=hr)
    service = rule_create(data=rule_input(course, name="服务类"), by=hr)
    assert service.causes.count() == 2
    course.unpublish()
    import_complaints(complaints_file(("TS-5", "L001", "service", "yes")))
    assert retraining_after_complaints() == 0
    assert not RetrainingCause.objects.filter(cause_key="complaint:TS-5").exists()
    assert not rule_deactivate(rule=any_category, by=hr)  # already stopped


# Scope -----------------------------------------------------------------------------------


def test_a_lead_trainer_writes_rules_for_their_own_units_only(people, org, course, lead):
    with pytest.raises(ValidationError) as error:
        rule_create(data=rule_input(course, org_unit=org["south"]), by=lead)
    assert "org_unit" in error.value.message_dict
    with pytest.raises(ValidationError):
        rule_create(data=rule_input(course, org_unit=None), by=lead)  # the whole company: HR's
    with pytest.raises(ValidationError):  # a plain trainer writes none
        rule_create(data=rule_input(course, org_unit=org["east"]), by=people["trainer"].user)
    assert not RetrainingRule.objects.exists()

    # Their own region: only its people are given the course.
    import_complaints(complaints_file(*ROWS))
    rule = rule_create(data=rule_input(course, org_unit=org["east"]), by=lead)
    assert list(rule.causes.values_list("user__username", flat=True)) == ["L001"]
    assert not Enrolment.objects.filter(user=people["south"].user).exists()

    # Nor may they change HR's company-wide rule.
    company = rule_create(data=rule_input(course, name="全公司"), by=people["hr"].user)
    with pytest.raises(PermissionDenied):
        rule_update(rule=company, data=rule_input(course, org_unit=org["east"]), by=lead)
    with pytest.raises(PermissionDenied):
        rule_deactivate(rule=company, by=lead)


def test_bad_rules_are_refused_with_reasons_and_nothing_written(people, index, course):
    hr = people["hr"].user
    _other, other_lessons = factories.course(index, "团队协作", module="teamwork", slug="team")
    with pytest.raises(ValidationError) as error:
        rule_create(
            data=rule_input(
                course,
                name=" ",
                trigger="low_part",
                part="",
                floor=Decimal(120),
                due_days=0,
                focus_page=other_lessons[0],
            ),
            by=hr,
        )
    assert set(error.value.message_dict) == {"name", "part", "floor", "due_days", "focus_page"}
    assert not RetrainingRule.objects.exists()


# The cycle rule ----------------------------------------------------------------------------


def test_a_part_below_its_floor_in_a_finalised_cycle_gives_the_course_once(
    people, org, course, lead, django_capture_on_commit_callbacks
):
    cycle = factories.make_cycle(state=CycleState.COMPUTED)
    factories.save_results(
        factories.computed_result(cycle, people["learner"], (80, 80, 80, 55)),  # east: low
        factories.computed_result(cycle, people["colleague"], (80, 80, 80, 75)),  # east: fine
        factories.computed_result(cycle, people["south"], (80, 80, 80, 40)),  # south: low
        factories.computed_result(cycle, people["xihu"], (80, 80, 80, None)),  # no data
    )
    rule = rule_create(
        data=rule_input(
            course, trigger="low_part", part="teamwork", org_unit=org["east"], due_days=30
        ),
        by=lead,
    )
    high = rule_create(
        data=rule_input(
            course, name="总分低于 90", trigger="low_part", part="overall", floor=Decimal(90)
        ),
        by=people["hr"].user,
    )
    assert not RetrainingCause.objects.exists()  # the cycle is not final yet
    with django_capture_on_commit_callbacks(execute=True):
        cycle_services.cycle_finalise(cycle, by=people["hr"].user)

    # The policy's floor (60), the lead trainer's region only.
    cause = rule.causes.get()
    learner = people["learner"].user
    assert cause.user == learner and cause.cause_key == f"cycle:{cycle.pk}:{learner.pk}"
    reason = cause.assignment.reason
    assert "55" in reason and "60" in reason and cycle.name in reason
    # A floor of the rule's own, over the whole company (people with an overall only).
    assert high.causes.count() == 4  # every overall is below 90 (xihu's too, without teamwork)
    enrolment = Enrolment.objects.get(user=people["learner"].user, course=course)
    assert enrolment.due_on == TODAY + datetime.timedelta(days=14)  # the earlier of the two

    # Running again (a rule saved, the hook called twice) gives nothing twice.
    rule_update(
        rule=rule,
        data=rule_input(
            course, trigger="low_part", part="teamwork", org_unit=org["east"], due_days=30
        ),
        by=lead,
    )
    from assessments.retraining.services import retraining_after_finalise

    assert retraining_after_finalise(cycle=cycle) == 0
    assert RetrainingCause.objects.count() == 1 + 4


# A course done before -------------------------------------------------------------------------


def test_a_course_done_before_is_given_again_and_the_completions_kept_as_history(people, course):
    learner = people["learner"].user
    learning.course_start(user=learner, course=course)
    for lesson in course.lessons:
        learning.lesson_complete(user=learner, lesson=lesson)
    done_at = Enrolment.objects.get(user=learner, course=course).completed_at
    assert done_at is not None

    import_complaints(complaints_file(ROWS[0]))
    rule_create(data=rule_input(course), by=people["hr"].user)

    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert enrolment.completed_at is None and enrolment.completed_before == done_at
    assert not LessonCompletion.objects.filter(user=learner).exists()
    past = PastCompletion.objects.filter(user=learner, course=course)
    assert past.filter(lesson=None).get().completed_at == done_at
    assert set(past.exclude(lesson=None).values_list("lesson_id", flat=True)) == {
        lesson.pk for lesson in course.lessons
    }
    assert all("TS-1" in p.why for p in past)


# What the learner and the managers see ----------------------------------------------------------


def test_my_learning_and_the_progress_export_say_why(people, course, login):
    import_complaints(complaints_file(ROWS[0]))
    rule_create(data=rule_input(course, focus_page=course.lessons[2]), by=people["hr"].user)

    html = login(people["learner"]).get("/learning/").content.decode()
    assert "TS-1" in html and "服务类有责投诉：重学客户服务" in html
    assert course.lessons[2].title in html and course.lessons[2].url in html

    client = login(people["hr"])
    html = client.get("/learning/reports/people/").content.decode()
    assert "TS-1" in html
    response = client.get("/learning/reports/people/?format=csv")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    why = rows[0].index("原因")
    learner_rows = [r for r in rows[1:] if r[0] == "L001"]
    assert learner_rows and "TS-1" in learner_rows[0][why]


def test_the_rule_pages(people, org, course, lead, login):
    client = login(lead)
    response = client.get("/assessment/retraining/new/")
    assert response.status_code == 200
    # Bad input: errors by field, nothing written.
    response = client.post(
        "/assessment/retraining/new/",
        {"name": "", "trigger": "low_part", "course": course.pk, "due_days": "0"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"name", "part", "due_days", "applies_from", "org_unit"} <= set(form.errors)
    # Another region's unit is not even offered.
    response = client.post(
        "/assessment/retraining/new/",
        {
            "name": "华南",
            "trigger": "complaint",
            "course": course.pk,
            "due_days": "14",
            "applies_from": "2026-01-01",
            "org_unit": org["south"].pk,
            "active": "on",
        },
    )
    assert response.status_code == 200 and "org_unit" in response.context["form"].errors
    assert not RetrainingRule.objects.exists()

    response = client.post(
        "/assessment/retraining/new/",
        {
            "name": "华东服务类投诉",
            "trigger": "complaint",
            "complaint_category": "service",
            "course": course.pk,
            "focus_page": course.lessons[0].pk,
            "due_days": "14",
            "applies_from": "2026-01-01",
            "org_unit": org["east"].pk,
            "active": "on",
        },
    )
    assert response.status_code == 302
    rule = RetrainingRule.objects.get()
    assert rule.created_by == lead and rule.focus_page_id == course.lessons[0].pk
    html = client.get("/assessment/retraining/").content.decode()
    assert "华东服务类投诉" in html
    assert client.get(f"/assessment/retraining/{rule.pk}/").status_code == 200
    assert client.post(f"/assessment/retraining/{rule.pk}/stop/").status_code == 302
    rule.refresh_from_db()
    assert not rule.active

    # A learner sees none of it; the nav shows it to HR and lead trainers.
    assert login(people["learner"]).get("/assessment/retraining/").status_code == 403
    assert "/assessment/retraining/" in login(people["hr"]).get("/learning/").content.decode()


def test_a_rules_page_lists_what_it_gave_to_the_people_one_may_see(
    people, org, course, lead, login, django_assert_max_num_queries
):
    import_complaints(complaints_file(*ROWS))
    rule = rule_create(data=rule_input(course), by=people["hr"].user)  # the whole company
    hr = login(people["hr"])
    with django_assert_max_num_queries(20):
        html = hr.get(f"/assessment/retraining/{rule.pk}/").content.decode()
    assert "TS-1" in html and "TS-4" in html and "L004" in html
    event = AuditEvent.objects.filter(action=AuditAction.PERSONAL_VIEWED).latest("pk")
    assert event.details["people"] == 2 and event.details["scope"] == {"retraining_rule": rule.pk}
    # A lead trainer neither changes nor reads HR's company-wide rule.
    assert login(lead).get(f"/assessment/retraining/{rule.pk}/").status_code == 404


def test_a_rule_may_point_to_a_drill(people, index, course, login):
    drill_page = factories.drill(index.get_parent().specific)
    import_complaints(complaints_file(ROWS[0]))
    rule_create(data=rule_input(course, focus_page=drill_page), by=people["hr"].user)
    html = login(people["learner"]).get("/learning/").content.decode()
    assert drill_page.title in html and drill_page.url in html
