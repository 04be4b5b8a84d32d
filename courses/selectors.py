"""Reads of the courses app, each in a fixed number of queries.

The learner's pages (catalogue, course, lesson, "My learning") never query
per course or per lesson: lessons of several courses come in one query, a
person's completions in another.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from courses import completion
from courses.models import (
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
    ModuleCategory,
    Reminder,
)
from courses.services import DUE_SOON_DAYS, prerequisites_missing


def lessons_by_course(courses: list[CoursePage]) -> dict[int, list[LessonPage]]:
    """The live lessons of each course, in the order of the page tree. One query."""
    if not courses:
        return {}
    by_path = {c.path: c.pk for c in courses}
    children = (Q(path__startswith=c.path, depth=c.depth + 1) for c in courses)
    lessons = (
        LessonPage.objects.live()
        .filter(reduce(or_, children))
        .only("pk", "title", "path", "depth", "url_path", "estimated_minutes", "summary")
        .order_by("path")
    )
    result: dict[int, list[LessonPage]] = {c.pk: [] for c in courses}
    steplen = CoursePage.steplen
    for lesson in lessons:
        course_id = by_path.get(lesson.path[: len(lesson.path) - steplen])
        if course_id is not None:
            result[course_id].append(lesson)
    return result


def completed_lesson_ids(user, lesson_ids) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        LessonCompletion.objects.filter(user=user, lesson_id__in=list(lesson_ids)).values_list(
            "lesson_id", flat=True
        )
    )


@dataclass
class Status:
    """Where one person stands in one course."""

    lessons_total: int
    lessons_done: int
    enrolment: Enrolment | None
    today: datetime.date

    @property
    def percent(self) -> int:
        if self.complete:
            return 100
        if not self.lessons_total:
            return 0
        return int(100 * self.lessons_done / self.lessons_total)

    @property
    def complete(self) -> bool:
        return bool(self.enrolment and self.enrolment.completed_at)

    @property
    def due_on(self):
        return self.enrolment.due_on if self.enrolment else None

    @property
    def overdue(self) -> bool:
        return bool(not self.complete and self.due_on and self.due_on < self.today)

    @property
    def due_soon(self) -> bool:
        return bool(
            not self.complete
            and self.due_on
            and self.today <= self.due_on <= self.today + datetime.timedelta(days=DUE_SOON_DAYS)
        )

    @property
    def started(self) -> bool:
        return self.lessons_done > 0 or self.complete


def _continue_lesson(lessons, done: set[int], enrolment) -> LessonPage | None:
    """Where to pick up: the last lesson opened if unfinished, else the first unfinished."""
    if enrolment and enrolment.last_lesson_id and enrolment.last_lesson_id not in done:
        for lesson in lessons:
            if lesson.pk == enrolment.last_lesson_id:
                return lesson
    for lesson in lessons:
        if lesson.pk not in done:
            return lesson
    return lessons[0] if lessons else None


# Catalogue and course ------------------------------------------------------


@dataclass
class CatalogueEntry:
    course: CoursePage
    status: Status
    for_you: bool


def catalogue_for(user, index) -> list[tuple[str, list[CatalogueEntry]]]:
    """The live courses of a course index, grouped by module in the manual's order."""
    courses = list(
        CoursePage.objects.child_of(index).live().select_related("cover_image").order_by("path")
    )
    lessons = lessons_by_course(courses)
    done = completed_lesson_ids(user, [lesson.pk for ls in lessons.values() for lesson in ls])
    enrolments = {}
    position = None
    if getattr(user, "is_authenticated", False):
        enrolments = {
            e.course_id: e for e in Enrolment.objects.filter(user=user, course__in=courses)
        }
        profile = getattr(user, "profile", None)
        position = profile.position if profile else None
    now = timezone.localdate()
    groups: dict[str, list[CatalogueEntry]] = {m: [] for m in ModuleCategory.values}
    for course in courses:
        ls = lessons[course.pk]
        status = Status(
            len(ls), sum(1 for lesson in ls if lesson.pk in done), enrolments.get(course.pk), now
        )
        for_you = not course.target_positions or position in course.target_positions
        groups.setdefault(course.module, []).append(CatalogueEntry(course, status, for_you))
    labels = dict(ModuleCategory.choices)
    return [(labels.get(m, m), entries) for m, entries in groups.items() if entries]


@dataclass
class CourseProgress:
    lessons: list[tuple[LessonPage, bool]]
    status: Status
    continue_lesson: LessonPage | None
    missing_prerequisites: list[CoursePage] = field(default_factory=list)
    requirements: list = field(default_factory=list)


def course_progress_for(user, course: CoursePage) -> CourseProgress:
    lessons = lessons_by_course([course])[course.pk]
    done = completed_lesson_ids(user, [lesson.pk for lesson in lessons])
    enrolment = None
    missing: list[CoursePage] = []
    requirements = []
    if getattr(user, "is_authenticated", False):
        enrolment = Enrolment.objects.filter(user=user, course=course).first()
        missing = prerequisites_missing(user, course)
        requirements = completion.requirements_for(user, course)
    status = Status(len(lessons), len(done), enrolment, timezone.localdate())
    return CourseProgress(
        lessons=[(lesson, lesson.pk in done) for lesson in lessons],
        status=status,
        continue_lesson=_continue_lesson(lessons, done, enrolment),
        missing_prerequisites=missing,
        requirements=requirements,
    )


@dataclass
class LessonState:
    course: Page  # the lesson's course, as a plain page
    number: int
    count: int
    previous: LessonPage | None
    next: LessonPage | None
    completed_at: datetime.datetime | None
    locked_by: list[CoursePage]


def lesson_state_for(user, lesson: LessonPage) -> LessonState:
    """The lesson's place in its course and whether this person has finished it."""
    course = lesson.get_parent()  # routing has usually fetched it already
    siblings = lessons_by_course([course])[course.pk] if course else [lesson]
    ids = [s.pk for s in siblings]
    index = ids.index(lesson.pk) if lesson.pk in ids else 0
    completed_at = None
    locked_by: list[CoursePage] = []
    if getattr(user, "is_authenticated", False):
        completed_at = (
            LessonCompletion.objects.filter(user=user, lesson=lesson)
            .values_list("completed_at", flat=True)
            .first()
        )
        if course is not None:
            locked_by = prerequisites_missing(user, course)
    return LessonState(
        course=course,
        number=index + 1,
        count=len(siblings),
        previous=siblings[index - 1] if index > 0 else None,
        next=siblings[index + 1] if index + 1 < len(siblings) else None,
        completed_at=completed_at,
        locked_by=locked_by,
    )


# My learning ---------------------------------------------------------------


@dataclass
class LearningItem:
    enrolment: Enrolment
    status: Status
    continue_lesson: LessonPage | None
    locked_by: list[str] = field(default_factory=list)  # prerequisites still to complete


@dataclass
class MyLearning:
    open: list[LearningItem]
    completed: list[LearningItem]
    reminders: list[Reminder]

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.open if item.status.overdue)


def my_learning(user) -> MyLearning:
    """A person's courses: open ones by due date (onboarding in its order), then completed."""
    enrolments = list(
        Enrolment.objects.filter(user=user, course__live=True)
        .select_related("course")
        .order_by("completed_at", "course__onboarding_order", "course__path")
    )
    courses = [e.course for e in enrolments]
    lessons = lessons_by_course(courses)
    done = completed_lesson_ids(user, [lesson.pk for ls in lessons.values() for lesson in ls])
    now = timezone.localdate()
    finished = {e.course_id for e in enrolments if e.completed_at}
    locks = _prerequisites_of([e.course_id for e in enrolments if not e.completed_at], finished)
    open_items: list[LearningItem] = []
    completed_items: list[LearningItem] = []
    for enrolment in enrolments:
        ls = lessons[enrolment.course_id]
        status = Status(len(ls), sum(1 for lesson in ls if lesson.pk in done), enrolment, now)
        item = LearningItem(
            enrolment,
            status,
            _continue_lesson(ls, done, enrolment),
            locks.get(enrolment.course_id, []),
        )
        (completed_items if status.complete else open_items).append(item)
    far = datetime.date.max
    open_items.sort(key=lambda i: (i.enrolment.due_on or far, i.enrolment.course.path))
    completed_items.sort(key=lambda i: i.enrolment.completed_at, reverse=True)
    reminders = list(
        Reminder.objects.filter(
            enrolment__user=user, dismissed_at__isnull=True, enrolment__completed_at__isnull=True
        )
        .select_related("enrolment__course")
        .order_by("-created_at")
    )
    return MyLearning(open=open_items, completed=completed_items, reminders=reminders)


def _prerequisites_of(course_ids, finished: set[int]) -> dict[int, list[str]]:
    """For each course, the titles of its live prerequisites not yet finished. One query."""
    if not course_ids:
        return {}
    through = CoursePage.prerequisites.through
    pairs = through.objects.filter(
        from_coursepage_id__in=course_ids, to_coursepage__live=True
    ).values_list("from_coursepage_id", "to_coursepage_id", "to_coursepage__title")
    locks: dict[int, list[str]] = {}
    for course_id, required_id, title in pairs.order_by("to_coursepage__path"):
        if required_id not in finished:
            locks.setdefault(course_id, []).append(title)
    return locks


def search_lessons(query: str, *, limit: int = 50):
    """Live courses and lessons that match `query` (Chinese words too: see lms.search_backend)."""
    if not query.strip():
        return []
    return list(Page.objects.live().type(LessonPage, CoursePage).specific().search(query)[:limit])
