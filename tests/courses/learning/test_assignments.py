"""Assignments: to people, units, positions or rules; onboarding; who may assign."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses.learning import services
from courses.models import Assignment, Enrolment, EnrolmentSource
from lms import services as lms_services
from lms.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def enrolled(course):
    return set(Enrolment.objects.filter(course=course).values_list("user__username", flat=True))


def in_days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


class TestAssigning:
    def test_to_named_people_with_a_due_date(self, people, course):
        result = services.assignment_create(
            by=people["hr"].user,
            course=course,
            people=[people["learner"].user, people["south"].user],
            due_on=in_days(14),
        )
        assert result.enrolled == 2
        assert enrolled(course) == {"L001", "L004"}
        assert set(Enrolment.objects.values_list("due_on", flat=True)) == {in_days(14)}
        assert AuditEvent.objects.filter(action="course.assigned").count() == 1

    def test_to_an_org_unit_takes_everyone_below_it(self, people, course):
        services.assignment_create(
            by=people["hr"].user, course=course, org_unit=people["learner"].org_unit.get_parent()
        )
        # pudong station: its team (L001, L002) — not xihu, not the south
        assert enrolled(course) == {"L001", "L002"}

    def test_to_a_position(self, people, course):
        services.assignment_create(by=people["hr"].user, course=course, position="trainer")
        assert enrolled(course) == {"TR01"}

    def test_by_hire_date_with_a_due_date_relative_to_it(self, people, course, make_staff):
        recent = make_staff("xihu", number="N001", hire_date=in_days(-10))
        make_staff("xihu", number="N002", hire_date=in_days(-400))
        services.assignment_create(
            by=people["hr"].user, course=course, hired_within_days=30, due_days_after_hire=20
        )
        assert "N001" in enrolled(course) and "N002" not in enrolled(course)
        assert Enrolment.objects.get(
            user=recent.user
        ).due_on == recent.hire_date + datetime.timedelta(days=20)

    def test_a_rule_stays_in_force_for_people_who_match_later(self, people, course, make_staff):
        services.assignment_create(by=people["hr"].user, course=course, position="station_staff")
        assert enrolled(course) == set()
        newcomer = make_staff("xihu", number="N010", position="station_staff")
        services.staff_onboard(profile=newcomer)  # what the staff_created hook does
        assert enrolled(course) == {"N010"}
        mover = people["south"]
        lms_services.staff_update(profile=mover, position="station_staff")
        assert services.assignments_sync() == 1
        assert services.assignments_sync() == 0  # nothing twice
        assert enrolled(course) == {"N010", "L004"}

    def test_an_earlier_due_date_replaces_a_later_one_never_the_reverse(self, people, course):
        hr, user = people["hr"].user, people["learner"].user
        services.assignment_create(by=hr, course=course, people=[user], due_on=in_days(30))
        services.assignment_create(by=hr, course=course, people=[user], due_on=in_days(7))
        services.assignment_create(by=hr, course=course, people=[user], due_on=in_days(60))
        assert Enrolment.objects.get().due_on == in_days(7)

    def test_leavers_are_not_enrolled(self, people, course):
        lms_services.staff_mark_left(profile=people["colleague"], on=in_days(-1))
        services.assignment_create(
            by=people["hr"].user, course=course, org_unit=people["learner"].org_unit
        )
        assert enrolled(course) == {"L001"}

    def test_nonsense_is_refused(self, people, course):
        hr = people["hr"].user
        with pytest.raises(ValidationError):
            services.assignment_create(by=hr, course=course)  # nobody
        with pytest.raises(ValidationError):
            services.assignment_create(
                by=hr, course=course, people=[people["learner"].user], position="courier"
            )
        with pytest.raises(ValidationError):
            services.assignment_create(
                by=hr, course=course, position="courier", due_on=in_days(-1)
            )
        assert not Assignment.objects.exists()

    def test_cancelling_withdraws_only_what_nobody_started(self, people, course):
        hr = people["hr"].user
        result = services.assignment_create(
            by=hr, course=course, org_unit=people["learner"].org_unit
        )
        services.lesson_complete(user=people["learner"].user, lesson=course.lessons[0])
        assert services.assignment_cancel(assignment=result.assignment, by=hr) == 1
        assert enrolled(course) == {"L001"}
        assert services.assignments_sync() == 0


class TestWhoMayAssign:
    def test_a_trainer_assigns_within_their_units_only(self, people, course):
        trainer = people["trainer"].user
        services.assignment_create(by=trainer, course=course, people=[people["xihu"].user])
        with pytest.raises(ValidationError):
            services.assignment_create(by=trainer, course=course, people=[people["south"].user])
        with pytest.raises(ValidationError):
            services.assignment_create(by=trainer, course=course, position="courier")  # no unit
        with pytest.raises(ValidationError):
            services.assignment_create(
                by=trainer, course=course, org_unit=people["south"].org_unit
            )
        assert enrolled(course) == {"L003"}

    def test_the_form_names_unknown_employee_numbers(self, people, course, login):
        client = login(people["trainer"])
        response = client.post(
            "/learning/assignments/new/",
            {
                "course": course.pk,
                "target": "people",
                "employee_numbers": "L001, L004 X999",
                "due": "none",
            },
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "L004" in html and "X999" in html
        assert not Assignment.objects.exists()

    def test_the_form_assigns_by_rule(self, people, course, login, no_mfa_enforcement):
        client = login(people["hr"])
        response = client.post(
            "/learning/assignments/new/",
            {
                "course": course.pk, "target": "rule", "org_unit": people["xihu"].org_unit.pk,
                "position": "", "due": "date", "due_on": in_days(10).isoformat(),
            },
        )  # fmt: skip
        assert response.url == "/learning/assignments/"
        assert enrolled(course) == {"L003"}
        listing = client.get("/learning/assignments/").content.decode()
        assert course.title in listing

    def test_learners_cannot_assign_or_see_assignments(self, people, course, login):
        client = login(people["learner"])
        assert client.get("/learning/assignments/").status_code == 403
        assert client.get("/learning/assignments/new/").status_code == 403
        assert client.get("/learning/reports/").status_code == 403


class TestOnboarding:
    def test_new_staff_get_the_five_modules_in_order(
        self, people, index, django_capture_on_commit_callbacks
    ):
        modules = ["culture", "service", "process", "emergency", "teamwork"]
        for order, module in enumerate(modules, start=1):
            factories.course(
                index,
                f"模块{order}",
                module=module,
                lessons=1,
                onboarding_order=order,
                onboarding_due_days=7 * order,
            )
        factories.course(index, "选修课", lessons=1)
        hired = in_days(-3)
        with django_capture_on_commit_callbacks(execute=True):
            profile = lms_services.staff_create(
                employee_number="N100", full_name="新同事", org_unit=people["learner"].org_unit,
                position="courier", hire_date=hired,
            )  # fmt: skip
        enrolments = list(
            Enrolment.objects.filter(user=profile.user).order_by("course__onboarding_order")
        )
        assert [e.course.title for e in enrolments] == [f"模块{n}" for n in range(1, 6)]
        assert all(e.source == EnrolmentSource.ONBOARDING for e in enrolments)
        assert [e.due_on for e in enrolments] == [
            hired + datetime.timedelta(days=7 * n) for n in range(1, 6)
        ]
