"""Writes of the courses app: one function per use case, each transactional.

Progress is written here only: a lesson completion (once per person and
lesson), a course's completion (when its lessons and every registered
requirement are done), enrolments from onboarding, assignments and rules,
and the reminders of the scheduled run.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.learning import completion
from courses.learning.notices import assigned_notify, onboarding_notify
from courses.learning.signals import course_completed, lesson_completed
from courses.models.learning import (
    Assignment,
    Enrolment,
    EnrolmentSource,
    LessonCompletion,
    PastCompletion,
    Reminder,
    ReminderKind,
)
from courses.models.pages import CoursePage, LessonPage
from courses.notifications import REMINDERS
from lms.audit import audit_record
from lms.models.accounts import StaffProfile, StaffStatus, User
from lms.models.audit import AuditAction
from lms.models.org import OrgUnit
from lms.notifications.services import notify
from lms.permissions import staff_scope, staff_visibility
from lms.platform.wording import listed

log = logging.getLogger(__name__)


# A reminder is sent this many days before the due date.
DUE_SOON_DAYS = getattr(settings, "LMS_REMINDER_DAYS_BEFORE", 3)


def today() -> datetime.date:
    return timezone.localdate()


# Progress ----------------------------------------------------------------


def live_lesson_ids(course: CoursePage) -> list[int]:
    return list(LessonPage.objects.child_of(course).live().values_list("pk", flat=True))


def prerequisites_missing(user, course: CoursePage) -> list[CoursePage]:
    """The prerequisites of `course` that `user` has not completed, in title order."""
    required = list(CoursePage.objects.live().filter(required_by=course.pk).order_by("title"))
    if not required:
        return []
    done = set(
        Enrolment.objects.filter(
            user=user, course__in=required, completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )
    return [c for c in required if c.pk not in done]


def _require_prerequisites(user, course: CoursePage) -> None:
    missing = prerequisites_missing(user, course)
    if missing:
        raise ValidationError(
            _("Complete these courses first: %(courses)s")
            % {"courses": listed(c.title for c in missing)}
        )


@transaction.atomic
def course_start(*, user: User, course: CoursePage) -> Enrolment:
    """Enrol `user` in `course` of their own choice (or return their enrolment)."""
    _require_prerequisites(user, course)
    enrolment, _created = Enrolment.objects.get_or_create(
        user=user,
        course=course,
        defaults={"source": EnrolmentSource.SELF, "enrolled_at": timezone.now()},
    )
    return enrolment


def lesson_visited(*, user: User, lesson: LessonPage, course_id: int) -> None:
    """Remember the lesson as the place to continue from. One query."""
    Enrolment.objects.filter(user=user, course_id=course_id).exclude(last_lesson=lesson).update(
        last_lesson=lesson, last_activity_at=timezone.now()
    )


@transaction.atomic
def lesson_complete(*, user: User, lesson: LessonPage) -> LessonCompletion:
    """Record that `user` finished `lesson`. Recorded once; a repeat returns the first."""
    course = lesson.get_parent().specific
    _require_prerequisites(user, course)
    now = timezone.now()
    try:
        with transaction.atomic():  # a double tap, or two tabs: the second one loses
            record = LessonCompletion.objects.create(
                user=user, lesson=lesson, course=course, completed_at=now
            )
    except IntegrityError:
        return LessonCompletion.objects.get(user=user, lesson=lesson)
    lesson_completed.send(sender=LessonCompletion, completion=record)
    enrolment, _created = Enrolment.objects.get_or_create(
        user=user,
        course=course,
        defaults={"source": EnrolmentSource.SELF, "enrolled_at": now},
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lesson, last_activity_at=now)
    enrolment_refresh_completion(user=user, course=course)
    return record


def enrolment_refresh_completion(*, user: User, course: CoursePage) -> Enrolment | None:
    """Mark the enrolment complete if every lesson and requirement is done.

    Call this whenever something that counts toward completion changes (a
    lesson here, a quiz in the assessments app). A completion, once recorded,
    stays: a lesson added to the course later does not undo it.
    """
    enrolment = Enrolment.objects.filter(user=user, course=course).first()
    if enrolment is None or enrolment.completed_at is not None:
        return enrolment
    lessons = set(live_lesson_ids(course))
    done = set(
        LessonCompletion.objects.filter(user=user, lesson_id__in=lessons).values_list(
            "lesson_id", flat=True
        )
    )
    if lessons - done or not all(req.met for req in completion.requirements_for(user, course)):
        return enrolment
    updated = Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True).update(
        completed_at=timezone.now()
    )
    enrolment.refresh_from_db()
    if updated:
        transaction.on_commit(lambda: course_completed.send(sender=Enrolment, enrolment=enrolment))
    return enrolment


# Enrolling ----------------------------------------------------------------


def _enrol(
    people: Iterable[tuple[int, datetime.date | None]],
    course: CoursePage,
    *,
    source: str,
    assignment: Assignment | None = None,
) -> int:
    """Enrol each (user id, due date) in `course`; return how many were new.

    Someone already enrolled keeps their enrolment; an earlier due date from
    a new assignment replaces a later one (or none) while the course is open.
    With an assignment, the people it enrolled and those whose due date it brought
    forward are told (`assigned_notify`).
    """
    wanted = dict(people)
    if not wanted:
        return 0
    now = timezone.now()
    existing = Enrolment.objects.filter(course=course, user_id__in=list(wanted)).only(
        "pk", "user_id", "due_on", "completed_at"
    )
    earlier: list[Enrolment] = []
    for enrolment in existing:
        due = wanted.pop(enrolment.user_id)
        if (
            enrolment.completed_at is None
            and due
            and (not enrolment.due_on or due < enrolment.due_on)
        ):
            enrolment.due_on = due
            earlier.append(enrolment)
    if earlier:
        Enrolment.objects.bulk_update(earlier, ["due_on"])
        Reminder.objects.filter(enrolment__in=earlier).delete()
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                user_id=user_id,
                course=course,
                source=source,
                assignment=assignment,
                enrolled_at=now,
                due_on=due,
            )
            for user_id, due in wanted.items()
        ],
        ignore_conflicts=True,
    )
    if assignment is not None:
        told = {**wanted, **{e.user_id: e.due_on for e in earlier}}
        assigned_notify(assignment=assignment, course=course, due=told)
    return len(wanted)


def onboarding_courses() -> list[CoursePage]:
    return list(
        CoursePage.objects.live()
        .filter(onboarding_order__isnull=False)
        .order_by("onboarding_order", "path")
    )


def staff_onboard(*, profile: StaffProfile) -> None:
    """Give a new member of staff the onboarding path (told in one message, its courses and
    their due dates) and every rule that matches them (each told as any assignment is)."""
    if profile.status != StaffStatus.ACTIVE:
        return
    with transaction.atomic():
        path = []
        for course in onboarding_courses():
            due = profile.hire_date + datetime.timedelta(days=course.onboarding_due_days)
            if _enrol([(profile.user_id, due)], course, source=EnrolmentSource.ONBOARDING):
                path.append((course, due))
        onboarding_notify(profile=profile, path=path)
        for assignment in _rules_matching(profile):
            _enrol(
                [(profile.user_id, _due_for(assignment, profile.hire_date))],
                assignment.course,
                source=EnrolmentSource.ASSIGNED,
                assignment=assignment,
            )


def _due_for(assignment: Assignment, hire_date: datetime.date | None) -> datetime.date | None:
    if assignment.due_on:
        return assignment.due_on
    if assignment.due_days_after_hire is not None:
        start = hire_date or timezone.localtime(assignment.created_at).date()
        return start + datetime.timedelta(days=assignment.due_days_after_hire)
    return None


def _rules_matching(profile: StaffProfile):
    """The active rule assignments that match one person: `_rule_people` seen from their side,
    in one query (not one per assignment, as staff are created one by one in an import)."""
    unit_path = profile.org_unit.path
    steplen = OrgUnit.steplen
    unit_and_above = [unit_path[:n] for n in range(steplen, len(unit_path) + 1, steplen)]
    hired_days_ago = (today() - profile.hire_date).days
    no_hire_rule = Q(hired_within_days__isnull=True) | Q(
        hired_within_days=0
    )  # as is_rule reads it
    return (
        Assignment.objects.filter(cancelled_at__isnull=True)
        .exclude(Q(org_unit__isnull=True, position="") & no_hire_rule)  # named people
        .filter(Q(org_unit__isnull=True) | Q(org_unit__path__in=unit_and_above))
        .filter(Q(position="") | Q(position=profile.position))
        .filter(no_hire_rule | Q(hired_within_days__gte=hired_days_ago))
        .select_related("course")
    )


def _rule_people(assignment: Assignment):
    """The active staff an assignment's rule matches today."""
    people = StaffProfile.objects.filter(status=StaffStatus.ACTIVE)
    if assignment.org_unit_id:
        people = people.filter(org_unit__path__startswith=assignment.org_unit.path)
    if assignment.position:
        people = people.filter(position=assignment.position)
    if assignment.hired_within_days:
        since = today() - datetime.timedelta(days=assignment.hired_within_days)
        people = people.filter(hire_date__gte=since)
    return people


def _apply(assignment: Assignment) -> int:
    if assignment.is_rule:
        people = _rule_people(assignment).exclude(user__enrolments__course_id=assignment.course_id)
    else:
        people = StaffProfile.objects.filter(
            user__in=assignment.people.all(), status=StaffStatus.ACTIVE
        )
    rows = people.values_list("user_id", "hire_date")
    return _enrol(
        [(user_id, _due_for(assignment, hired)) for user_id, hired in rows],
        assignment.course,
        source=EnrolmentSource.ASSIGNED,
        assignment=assignment,
    )


@dataclass(frozen=True)
class AssignmentResult:
    assignment: Assignment
    enrolled: int


@transaction.atomic
def assignment_create(
    *,
    by: User,
    course: CoursePage,
    people: Iterable[User] = (),
    org_unit: OrgUnit | None = None,
    position: str = "",
    hired_within_days: int | None = None,
    due_on: datetime.date | None = None,
    due_days_after_hire: int | None = None,
    note: str = "",
) -> AssignmentResult:
    """Give `course` to named people or to a rule, and enrol everyone it covers now.

    A rule stays in force: people who match it later (new staff, people who
    move) are enrolled by `staff_onboard` and the scheduled `assignments_sync`.
    """
    people = list(people)
    is_rule = bool(org_unit or position or hired_within_days)
    if bool(people) == is_rule:
        raise ValidationError(_("Assign the course to named people or to a rule, not both."))
    if due_on and due_days_after_hire is not None:
        raise ValidationError(_("Give a due date or a number of days after hire, not both."))
    if due_on and due_on < today():
        raise ValidationError(_("The due date is in the past."))
    scope = staff_scope(by)
    if not scope.everyone:
        if scope.user_id is None or not scope.unit_paths:
            raise PermissionDenied
        if is_rule and not (
            org_unit and any(org_unit.path.startswith(p) for p in scope.unit_paths)
        ):
            raise ValidationError(_("Choose one of your own org units for the rule."))
        visible = set(
            StaffProfile.objects.filter(staff_visibility.q(by), user__in=people).values_list(
                "user_id", flat=True
            )
        )
        if any(p.pk not in visible for p in people):
            raise ValidationError(_("You can only assign courses to the staff of your units."))
    assignment = Assignment.objects.create(
        course=course,
        org_unit=org_unit,
        position=position,
        hired_within_days=hired_within_days,
        due_on=due_on,
        due_days_after_hire=due_days_after_hire,
        note=note,
        created_by=by,
    )
    if people:
        assignment.people.set(people)
    enrolled = _apply(assignment)
    audit_record(
        action=AuditAction.COURSE_ASSIGNED,
        actor=by,
        target=assignment,
        details={"course": course.title, "enrolled": enrolled},
    )
    return AssignmentResult(assignment=assignment, enrolled=enrolled)


@transaction.atomic
def assignment_cancel(*, assignment: Assignment, by: User) -> int:
    """Stop the assignment; withdraw its enrolments that nobody has started."""
    if assignment.cancelled_at:
        return 0
    assignment.cancelled_at = timezone.now()
    assignment.save(update_fields=["cancelled_at"])
    started = LessonCompletion.objects.filter(course_id=assignment.course_id).values("user_id")
    withdrawn, _detail = (
        Enrolment.objects.filter(assignment=assignment, completed_at__isnull=True)
        .exclude(user_id__in=started)
        .delete()
    )
    audit_record(
        action=AuditAction.COURSE_ASSIGNMENT_CANCELLED,
        actor=by,
        target=assignment,
        details={"course": assignment.course.title, "withdrawn": withdrawn},
    )
    return withdrawn


def enrolment_reopen(
    *, enrolment: Enrolment, assignment: Assignment, due_on: datetime.date | None, why: str
) -> Enrolment:
    """Give a person a course they have done again: its lessons are to be done again, and
    what they did before is kept as history (`PastCompletion`, and the enrolment's
    `completed_before`), not lost. The person is told (`assigned_notify`)."""
    now = timezone.now()
    done = list(
        LessonCompletion.objects.filter(user_id=enrolment.user_id, course_id=enrolment.course_id)
    )
    kept = [
        PastCompletion(
            user_id=c.user_id,
            course_id=c.course_id,
            lesson_id=c.lesson_id,
            completed_at=c.completed_at,
            archived_at=now,
            why=why[:255],
        )
        for c in done
    ]
    if enrolment.completed_at:
        kept.append(
            PastCompletion(
                user_id=enrolment.user_id,
                course_id=enrolment.course_id,
                completed_at=enrolment.completed_at,
                archived_at=now,
                why=why[:255],
            )
        )
    PastCompletion.objects.bulk_create(kept)
    LessonCompletion.objects.filter(pk__in=[c.pk for c in done]).delete()
    # The old reminders belong to the first time through.
    Reminder.objects.filter(enrolment=enrolment).delete()
    enrolment.completed_before = enrolment.completed_at or enrolment.completed_before
    enrolment.completed_at = None
    enrolment.due_on = due_on
    enrolment.source = EnrolmentSource.ASSIGNED
    enrolment.assignment = assignment
    enrolment.enrolled_at = now
    enrolment.last_lesson = None
    enrolment.save(
        update_fields=[
            "completed_before",
            "completed_at",
            "due_on",
            "source",
            "assignment",
            "enrolled_at",
            "last_lesson",
        ]
    )
    assigned_notify(
        assignment=assignment, course=assignment.course, due={enrolment.user_id: due_on}
    )
    return enrolment


@transaction.atomic
def assignment_for_cause(
    *,
    course: CoursePage,
    user: User,
    due_on: datetime.date,
    reason: str,
    cause_key: str,
    actor_label: str,
    focus_page=None,
    details: dict | None = None,
) -> Assignment:
    """Give `course` to one person because something happened (a retraining rule's cause),
    saying why. A course they completed is given again (their completions kept as history);
    an open one keeps its progress, and takes the earlier due date and this reason."""
    assignment = Assignment.objects.create(
        course=course,
        due_on=due_on,
        reason=reason[:255],
        cause_key=cause_key[:100],
        focus_page=focus_page,
        created_by=None,
    )
    assignment.people.set([user])
    enrolment = Enrolment.objects.select_for_update().filter(user=user, course=course).first()
    if enrolment is None:
        Enrolment.objects.create(
            user=user,
            course=course,
            source=EnrolmentSource.ASSIGNED,
            assignment=assignment,
            enrolled_at=timezone.now(),
            due_on=due_on,
        )
        assigned_notify(assignment=assignment, course=course, due={user.pk: due_on})
    elif enrolment.completed_at:
        enrolment_reopen(enrolment=enrolment, assignment=assignment, due_on=due_on, why=reason)
    else:
        enrolment.assignment = assignment
        fields = ["assignment"]
        if not enrolment.due_on or due_on < enrolment.due_on:
            enrolment.due_on = due_on
            fields.append("due_on")
            Reminder.objects.filter(enrolment=enrolment).delete()
        enrolment.save(update_fields=fields)
        assigned_notify(assignment=assignment, course=course, due={user.pk: enrolment.due_on})
    audit_record(
        action=AuditAction.COURSE_ASSIGNED,
        actor_label=actor_label,
        target=assignment,
        subject=user,
        details={
            "course": course.title,
            "enrolled": 1,
            "reason": reason,
            "cause": cause_key,
            **(details or {}),
        },
    )
    return assignment


def assignments_sync() -> int:
    """Enrol everyone an active rule now matches and who is not enrolled yet."""
    total = 0
    for assignment in Assignment.objects.filter(cancelled_at__isnull=True).select_related(
        "course", "org_unit"
    ):
        if assignment.is_rule:
            with transaction.atomic():
                total += _apply(assignment)
    return total


# Reminders ----------------------------------------------------------------


def _reminder_candidates(on: datetime.date):
    open_ = Enrolment.objects.filter(
        completed_at__isnull=True,
        due_on__isnull=False,
        user__is_active=True,
        user__profile__status=StaffStatus.ACTIVE,
    )
    soon = open_.filter(due_on__gte=on, due_on__lte=on + datetime.timedelta(days=DUE_SOON_DAYS))
    late = open_.filter(due_on__lt=on)
    return (
        (ReminderKind.DUE_SOON, soon.exclude(reminders__kind=ReminderKind.DUE_SOON)),
        (ReminderKind.OVERDUE, late.exclude(reminders__kind=ReminderKind.OVERDUE)),
    )


def reminders_send(*, on: datetime.date | None = None) -> int:
    """Create the due-soon and overdue reminders of the day and e-mail each person once.

    Safe to run twice, or on two machines at once: each reminder exists once
    (a unique constraint), and only the run that created it sends its e-mail.
    """
    on = on or today()
    created: dict[int, list[Reminder]] = defaultdict(list)
    for kind, enrolments in _reminder_candidates(on):
        for enrolment in enrolments.select_related("course", "user"):
            try:
                with transaction.atomic():
                    reminder = Reminder.objects.create(enrolment=enrolment, kind=kind)
            except IntegrityError:
                continue  # another run got there first
            reminder.enrolment = enrolment
            created[enrolment.user_id].append(reminder)
    for reminders in created.values():
        user = reminders[0].enrolment.user
        if _notify_reminders(user, reminders, on):
            Reminder.objects.filter(pk__in=[r.pk for r in reminders]).update(emailed=True)
    return sum(len(r) for r in created.values())


def _notify_reminders(user: User, reminders: list[Reminder], on: datetime.date) -> bool:
    """Tell the person (lms.notifications: inbox, and e-mail or a group robot by the workers);
    `Reminder.emailed` records that they were told."""
    told = notify(
        kind=REMINDERS,
        people=[user],
        key=f"{on.isoformat()}:" + ",".join(str(r.pk) for r in reminders),
        template="courses/email/reminder",
        context={"reminders": reminders},
        link="/learning/",
    )
    return bool(told)


def reminder_dismiss(*, user: User, reminder_id: int) -> None:
    Reminder.objects.filter(pk=reminder_id, enrolment__user=user).update(
        dismissed_at=timezone.now()
    )
