"""Progress reports for trainers (their units) and HR (everyone).

Counts are set-based: one grouped query per table, rolled up the org tree in
Python by path prefix. Only active staff count; what a person may see is the
staff-visibility rule of `lms.permissions`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from courses.learning.permissions import enrolment_visibility
from courses.learning.selectors import lessons_by_course
from courses.models.learning import Enrolment, LessonCompletion
from courses.models.pages import CoursePage
from lms.models.accounts import StaffStatus
from lms.models.org import OrgUnit
from lms.selectors import org_units_visible_to


@dataclass
class Counts:
    enrolled: int = 0
    completed: int = 0
    overdue: int = 0

    @property
    def rate(self) -> int | None:
        """Completion rate in whole per cent; None when nobody is enrolled."""
        return round(100 * self.completed / self.enrolled) if self.enrolled else None

    def add(self, other: Counts) -> None:
        self.enrolled += other.enrolled
        self.completed += other.completed
        self.overdue += other.overdue


def visible_enrolments(user):
    return Enrolment.objects.filter(
        enrolment_visibility.q(user),
        user__profile__status=StaffStatus.ACTIVE,
        course__live=True,
    )


def _counted(queryset, *group_by):
    today = timezone.localdate()
    return queryset.values(*group_by).annotate(
        enrolled=Count("pk"),
        completed=Count("pk", filter=Q(completed_at__isnull=False)),
        overdue=Count("pk", filter=Q(completed_at__isnull=True, due_on__lt=today)),
    )


def filtered(user, *, unit: OrgUnit | None = None, course: CoursePage | None = None):
    queryset = visible_enrolments(user)
    if unit is not None:
        queryset = queryset.filter(user__profile__org_unit__path__startswith=unit.path)
    if course is not None:
        queryset = queryset.filter(course=course)
    return queryset


@dataclass
class UnitRow:
    unit: OrgUnit
    counts: Counts
    has_children: bool
    direct: bool = False  # the staff attached to the unit itself, not to a unit below


def by_unit(user, *, parent: OrgUnit | None = None, course: CoursePage | None = None):
    """The total of `parent` (or of everything visible) and one row per unit below it.

    Without a parent: the highest units the user may see. Each row counts its
    whole subtree.
    """
    units = list(org_units_visible_to(user).order_by("path"))
    if parent is not None:
        shown = [
            u for u in units if u.path.startswith(parent.path) and u.depth == parent.depth + 1
        ]
    else:
        paths = [u.path for u in units]
        shown = [u for u in units if not any(u.path != p and u.path.startswith(p) for p in paths)]
    per_path: dict[str, Counts] = {}
    for row in _counted(
        filtered(user, unit=parent, course=course), "user__profile__org_unit__path"
    ):
        per_path[row["user__profile__org_unit__path"]] = Counts(
            row["enrolled"], row["completed"], row["overdue"]
        )
    rows = []
    total = Counts()
    for unit in shown:
        counts = Counts()
        for path, c in per_path.items():
            if path.startswith(unit.path):
                counts.add(c)
        has_children = any(
            u.depth == unit.depth + 1 and u.path.startswith(unit.path) for u in units
        )
        rows.append(UnitRow(unit, counts, has_children))
    if parent is not None and parent.path in per_path:
        rows.append(UnitRow(parent, per_path[parent.path], False, direct=True))
    for c in per_path.values():
        total.add(c)
    return total, rows


def by_course(user, *, unit: OrgUnit | None = None):
    """One row per live course: enrolled, completed, overdue among the visible staff."""
    counted = {
        row["course_id"]: Counts(row["enrolled"], row["completed"], row["overdue"])
        for row in _counted(filtered(user, unit=unit), "course_id")
    }
    courses = CoursePage.objects.live().order_by("path").only("pk", "title", "module")
    return [(course, counted.get(course.pk, Counts())) for course in courses]


@dataclass
class PersonRow:
    enrolment: Enrolment
    lessons_done: int
    lessons_total: int

    @property
    def percent(self) -> int:
        if self.enrolment.completed_at:
            return 100
        return int(100 * self.lessons_done / self.lessons_total) if self.lessons_total else 0

    @property
    def overdue(self) -> bool:
        e = self.enrolment
        return bool(not e.completed_at and e.due_on and e.due_on < timezone.localdate())


def people(user, *, unit=None, course=None, status: str = ""):
    """The enrolments behind a report, person by person (a queryset, for paging)."""
    queryset = filtered(user, unit=unit, course=course)
    if status == "completed":
        queryset = queryset.filter(completed_at__isnull=False)
    elif status == "open":
        queryset = queryset.filter(completed_at__isnull=True)
    elif status == "overdue":
        queryset = queryset.filter(completed_at__isnull=True, due_on__lt=timezone.localdate())
    return queryset.select_related(
        "user", "user__profile", "user__profile__org_unit", "course", "assignment"
    ).order_by("user__username", "course__path")


def with_progress(enrolments) -> list[PersonRow]:
    """Progress of each enrolment of a page of rows (courses selected with them), in two
    queries."""
    enrolments = list(enrolments)
    if not enrolments:
        return []
    courses = list({e.course_id: e.course for e in enrolments}.values())
    lessons = {
        course_id: {lesson.pk for lesson in ls}
        for course_id, ls in lessons_by_course(courses).items()
    }
    course_of = {lesson: course for course, ids in lessons.items() for lesson in ids}
    done: dict[tuple[int, int], int] = defaultdict(int)
    # Counted by the course each lesson is in now, so a lesson moved between courses counts
    # where it is.
    for user_id, lesson_id in LessonCompletion.objects.filter(
        user_id__in={e.user_id for e in enrolments}, lesson_id__in=list(course_of)
    ).values_list("user_id", "lesson_id"):
        done[(user_id, course_of[lesson_id])] += 1
    return [
        PersonRow(e, done[(e.user_id, e.course_id)], len(lessons.get(e.course_id, ())))
        for e in enrolments
    ]


def overdue_learner_count(user) -> int:
    """How many people `user` sees (never themselves) have a course past its due date. One
    query."""
    return (
        visible_enrolments(user)
        .exclude(user_id=user.pk)
        .filter(completed_at__isnull=True, due_on__lt=timezone.localdate())
        .values("user_id")
        .distinct()
        .count()
    )
