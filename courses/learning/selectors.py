"""Reads of the courses app, each in a fixed number of queries.

The learner's pages (catalogue, course, lesson, "My learning") never query
per course or per lesson: lessons of several courses come in one query, a
person's completions in another.

What is the same for everyone (a course's live lessons, its live
prerequisites) is kept in the configured cache as a course's outline, under
the pages' version (`lms.platform.routing.pages_version`): any change to a page gives
new keys, on every app server at once. What is a person's own (completions,
enrolments) is always read from the database.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from functools import reduce
from html import unescape
from operator import or_
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.safestring import mark_safe
from wagtail.models import Page, PageViewRestriction

from courses.learning import completion
from courses.learning.services import DUE_SOON_DAYS, prerequisites_missing
from courses.models.learning import Enrolment, LessonCompletion, Reminder
from courses.models.pages import CoursePage, LessonPage, ModuleCategory
from lms.platform import search
from lms.platform.routing import code_tag, pages_version

OUTLINE_TIMEOUT = 24 * 3600


LESSON_FIELDS = ("pk", "title", "path", "depth", "url_path", "estimated_minutes", "summary")


@dataclass(frozen=True)
class PageLink:
    """Enough of a page to link to it."""

    pk: int
    title: str
    url: str
    path: str = ""


@dataclass
class CourseOutline:
    """What every learner of a course sees alike: its live lessons and prerequisites."""

    course: PageLink
    course_page: CoursePage
    lessons: list[LessonPage]  # in the order of the page tree
    lesson_links: list[PageLink]  # the same lessons
    prerequisites: list[PageLink]  # live ones, in the order of the page tree


# The outlines are pickled: a change to this module makes new keys.
OUTLINE_TAG = code_tag(__file__)


def _outline_key(version: str, course_id: int) -> str:
    return f"lms:course-outline:{OUTLINE_TAG}:{version}:{course_id}"


def course_outlines(courses, *, version: str | None = None) -> dict[int, CourseOutline]:
    """The outline of each course (a course page, or anything with its pk), from the cache.

    Those the cache lacks take three queries together, whatever their number.
    """
    if not courses:
        return {}
    version = version or pages_version()
    keys = {course.pk: _outline_key(version, course.pk) for course in courses}
    found = cache.get_many(list(keys.values()))
    result = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [course for course in courses if course.pk not in result]
    if missing:
        made = _outlines(missing)
        cache.set_many(
            {keys[pk]: outline for pk, outline in made.items() if pk is not None}, OUTLINE_TIMEOUT
        )
        result.update(made)
    return result


def _outlines(courses) -> dict[int, CourseOutline]:
    # Read afresh, never the caller's objects: what is cached is shared by everyone. (A
    # course not saved yet, in a preview, is taken as it is, and never cached.)
    pages = CoursePage.objects.in_bulk([c.pk for c in courses if c.pk is not None])
    courses = [
        pages.get(c.pk, c)
        for c in courses
        if c.pk in pages or (c.pk is None and isinstance(c, CoursePage))
    ]
    if not courses:
        return {}
    by_path = {c.path: c.pk for c in courses}
    children = (Q(path__startswith=c.path, depth=c.depth + 1) for c in courses)
    lessons = (
        LessonPage.objects.live()
        .filter(reduce(or_, children))
        .only(*LESSON_FIELDS)
        .order_by("path")
    )
    by_course: dict[int, list[LessonPage]] = {c.pk: [] for c in courses}
    steplen = CoursePage.steplen
    for lesson in lessons:
        course_id = by_path.get(lesson.path[: len(lesson.path) - steplen])
        if course_id is not None:
            by_course[course_id].append(lesson)
    through = CoursePage.prerequisites.through
    required: dict[int, list[PageLink]] = {c.pk: [] for c in courses}
    pairs = (
        through.objects.filter(
            from_coursepage_id__in=[c.pk for c in courses], to_coursepage__live=True
        )
        .values_list(
            "from_coursepage_id",
            "to_coursepage_id",
            "to_coursepage__title",
            "to_coursepage__url_path",
            "to_coursepage__path",
        )
        .order_by("to_coursepage__path")
    )
    for course_id, pk, title, url_path, path in pairs:
        url = Page(pk=pk, url_path=url_path, path=path).get_url()
        required[course_id].append(PageLink(pk, title, url or "", path))
    outlines = {
        c.pk: CourseOutline(
            course=PageLink(c.pk, c.title, c.get_url() or "", c.path),
            course_page=c,
            lessons=by_course[c.pk],
            lesson_links=[
                PageLink(lesson.pk, lesson.title, lesson.get_url() or "", lesson.path)
                for lesson in by_course[c.pk]
            ],
            prerequisites=required[c.pk],
        )
        for c in courses
    }
    for page in [*courses, *(lesson for ls in by_course.values() for lesson in ls)]:
        page.__dict__.pop("_wagtail_cached_site_root_paths", None)  # left by get_url()
    return outlines


@dataclass(frozen=True)
class _CourseRef:
    pk: int


def lessons_by_course(
    courses: list[CoursePage], *, version: str | None = None
) -> dict[int, list[LessonPage]]:
    """The live lessons of each course, in the order of the page tree: from the cache."""
    return {pk: list(o.lessons) for pk, o in course_outlines(courses, version=version).items()}


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
    # Where "continue" leads: the lesson's page, or with every lesson done what the course
    # still needs (its module test; `continue_lesson` is then None).
    continue_url: str = ""
    continue_title: str = ""
    next_requirement: completion.Requirement | None = None


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
    continue_lesson = _continue_lesson(lessons, done, enrolment)
    progress = CourseProgress(
        lessons=[(lesson, lesson.pk in done) for lesson in lessons],
        status=status,
        continue_lesson=continue_lesson,
        missing_prerequisites=missing,
        requirements=requirements,
        continue_url=(continue_lesson.get_url() or "") if continue_lesson is not None else "",
        continue_title=continue_lesson.title if continue_lesson is not None else "",
    )
    next_step = completion.first_unmet(requirements) if _lessons_done(status) else None
    if next_step is not None:
        _continue_with(progress, next_step)
    return progress


@dataclass
class LessonState:
    course: PageLink | None  # the lesson's course
    number: int
    count: int
    previous: PageLink | None
    next: PageLink | None
    completed_at: datetime.datetime | None
    locked_by: list[PageLink]  # prerequisites of the course still to complete, by title
    enrolled: bool = False
    last_lesson_id: int | None = None  # where the learner's enrolment says they are


def lesson_state_for(
    user, lesson: LessonPage, *, version: str | None = None, outline: CourseOutline | None = None
) -> LessonState:
    """The lesson's place in its course and where this person stands. One query.

    The course's outline comes from the cache (or from the caller, who read it
    there: see `lesson_outline_key`); completion, enrolment and the prerequisites'
    completion are read together.
    """
    if outline is None:
        outline = _outline_of_parent(lesson, version)
    links = outline.lesson_links if outline else []
    ids = [link.pk for link in links]
    if lesson.pk in ids:
        index = ids.index(lesson.pk)
    else:
        links, index = [PageLink(lesson.pk, lesson.title, "", lesson.path)], 0
    state = LessonState(
        course=outline.course if outline else None,
        number=index + 1,
        count=len(links),
        previous=links[index - 1] if index > 0 else None,
        next=links[index + 1] if index + 1 < len(links) else None,
        completed_at=None,
        locked_by=[],
    )
    if getattr(user, "is_authenticated", False):
        _read_learner_state(user, lesson, outline, state)
    return state


def lesson_outline_key(lesson: LessonPage, version: str) -> str | None:
    """The cache key of the outline of the lesson's course (None: it has no parent)."""
    course = lesson.get_parent()  # routing gives the lesson with its parent
    return _outline_key(version, course.pk) if course is not None else None


def _outline_of_parent(lesson: LessonPage, version: str | None) -> CourseOutline | None:
    course = lesson.get_parent()  # routing gives the lesson with its parent
    if course is None:
        return None
    return course_outlines([course], version=version)[course.pk]


def _read_learner_state(user, lesson, outline: CourseOutline | None, state: LessonState) -> None:
    """Completion, enrolment and finished prerequisites of one person, in one query.

    Written out in SQL: this runs on every lesson a learner opens, and building the
    same statement with the ORM costs ten times as much as running it.
    """
    course_id = outline.course.pk if outline else None
    prerequisites = outline.prerequisites if outline else []
    completions = connection.ops.quote_name(LessonCompletion._meta.db_table)
    enrolments = connection.ops.quote_name(Enrolment._meta.db_table)
    columns = [
        f"(SELECT completed_at FROM {completions} WHERE user_id = %s AND lesson_id = %s)",
        f"(SELECT COUNT(*) FROM {enrolments} WHERE user_id = %s AND course_id = %s)",
        f"(SELECT last_lesson_id FROM {enrolments} WHERE user_id = %s AND course_id = %s)",
    ]
    params = [user.pk, lesson.pk, user.pk, course_id, user.pk, course_id]
    for required in prerequisites:
        columns.append(
            f"(SELECT COUNT(*) FROM {enrolments} WHERE user_id = %s AND course_id = %s"
            " AND completed_at IS NOT NULL)"
        )
        params += [user.pk, required.pk]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}", params)
        completed_at, enrolled, last_lesson_id, *done = cursor.fetchone()
    state.completed_at = _datetime_from_db(completed_at)
    state.enrolled = bool(enrolled)
    state.last_lesson_id = last_lesson_id
    missing = [p for p, finished in zip(prerequisites, done, strict=True) if not finished]
    state.locked_by = sorted(missing, key=lambda p: p.title)


def _datetime_from_db(value) -> datetime.datetime | None:
    """A datetime column read by raw SQL: SQLite gives it naive (or as text), in UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


# My learning ---------------------------------------------------------------


@dataclass
class LearningItem:
    enrolment: Enrolment
    status: Status
    continue_lesson: LessonPage | None
    locked_by: list[str] = field(default_factory=list)  # prerequisites still to complete
    course_url: str = ""
    continue_url: str = ""
    focus: PageLink | None = None  # where the assignment's cause points (a lesson, a drill)
    # Where "continue" leads: the lesson to pick up, or, with every lesson done, what the
    # course still needs (its module test): then `continue_lesson` is None.
    continue_title: str = ""
    next_requirement: completion.Requirement | None = None

    @property
    def reason(self) -> str:
        """Why the course was given, when something gave it (a retraining rule)."""
        assignment = self.enrolment.assignment
        return assignment.reason if assignment is not None else ""


def _link_url(outline: CourseOutline, lesson: LessonPage | None) -> str:
    if lesson is None:
        return ""
    for link in outline.lesson_links:
        if link.pk == lesson.pk:
            return link.url
    return ""


def _focus(enrolment: Enrolment, outline: CourseOutline, done: set[int]) -> PageLink | None:
    """The lesson (not done yet) or the drill the assignment's cause points to."""
    assignment = enrolment.assignment
    page = assignment.focus_page if assignment is not None and not enrolment.completed_at else None
    if page is None or page.pk in done:
        return None
    for link in outline.lesson_links:
        if link.pk == page.pk:
            return link
    if not page.live:
        return None
    return PageLink(page.pk, page.title, page.get_url() or "", page.path)


@dataclass
class MyLearning:
    open: list[LearningItem]
    completed: list[LearningItem]
    reminders: list[Reminder]
    # Whether what follows the lessons was read (requirements change without the person's
    # learning rows changing: a quiz passed): then the page is not kept in the cache.
    read_requirements: bool = False

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.open if item.status.overdue)


def my_learning(user, *, version: str | None = None) -> MyLearning:
    """A person's courses: open ones by due date (onboarding in its order), then completed."""
    enrolments = list(Enrolment.objects.filter(user=user).select_related("assignment__focus_page"))
    outlines = course_outlines([_CourseRef(e.course_id) for e in enrolments], version=version)
    enrolments = [e for e in enrolments if e.course_id in outlines]
    for enrolment in enrolments:
        enrolment.course = outlines[enrolment.course_id].course_page
    by_id = {e.pk: e for e in enrolments}
    open_ids = [e.pk for e in enrolments if not e.completed_at]
    enrolments = [e for e in enrolments if e.course.live]
    enrolments.sort(key=lambda e: (e.course.onboarding_order or 0, e.course.path))
    # All of a person's completions (no more than the lessons there are): cheaper to
    # ask for than a list of lessons, and only the outlines' lessons count.
    done = set(LessonCompletion.objects.filter(user=user).values_list("lesson_id", flat=True))
    now = timezone.localdate()
    finished = {e.course_id for e in enrolments if e.completed_at}
    open_items: list[LearningItem] = []
    completed_items: list[LearningItem] = []
    for enrolment in enrolments:
        outline = outlines[enrolment.course_id]
        ls = outline.lessons
        status = Status(len(ls), sum(1 for lesson in ls if lesson.pk in done), enrolment, now)
        continue_lesson = _continue_lesson(ls, done, enrolment)
        locked_by = []
        if not enrolment.completed_at:
            locked_by = [p.title for p in outline.prerequisites if p.pk not in finished]
        item = LearningItem(
            enrolment,
            status,
            continue_lesson,
            locked_by,
            course_url=outline.course.url,
            continue_url=_link_url(outline, continue_lesson),
            focus=_focus(enrolment, outline, done),
            continue_title=continue_lesson.title if continue_lesson is not None else "",
        )
        (completed_items if status.complete else open_items).append(item)
    read_requirements = _after_the_lessons(user, open_items, outlines)
    far = datetime.date.max
    open_items.sort(key=lambda i: (i.enrolment.due_on or far, i.enrolment.course.path))
    completed_items.sort(key=lambda i: i.enrolment.completed_at, reverse=True)
    reminders = []
    if open_ids:
        reminders = list(
            Reminder.objects.filter(enrolment_id__in=open_ids, dismissed_at__isnull=True).order_by(
                "-created_at"
            )
        )
    for reminder in reminders:
        reminder.enrolment = by_id[reminder.enrolment_id]
    return MyLearning(
        open=open_items,
        completed=completed_items,
        reminders=reminders,
        read_requirements=read_requirements,
    )


def _lessons_done(status: Status) -> bool:
    return not status.complete and status.lessons_done >= status.lessons_total


def _after_the_lessons(user, items: list[LearningItem], outlines) -> bool:
    """Point "continue" of the open courses whose lessons are all done to what they still
    need (the module test), read for all those courses at once. Whether any was read."""
    waiting = [item for item in items if _lessons_done(item.status) and not item.locked_by]
    if not waiting:
        return False
    courses = [outlines[item.enrolment.course_id].course_page for item in waiting]
    found = completion.requirements_for_many(user, courses)
    for item in waiting:
        next_step = completion.first_unmet(found.get(item.enrolment.course_id, []))
        if next_step is not None:
            _continue_with(item, next_step)
    return True


def _continue_with(item, requirement: completion.Requirement) -> None:
    item.next_requirement = requirement
    item.continue_lesson = None
    item.continue_url = requirement.url
    item.continue_title = requirement.label


# "My learning" kept per person ----------------------------------------------------------------

MY_LEARNING_TIMEOUT = 3600
_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "courses" / "includes"
# New code (this module, the page's cached parts) never reads what old code kept.
MY_LEARNING_TAG = code_tag(
    __file__,
    completion.__file__,
    _TEMPLATES / "my_learning_courses.html",
    _TEMPLATES / "my_learning_completed.html",
    _TEMPLATES / "status.html",
)


@dataclass(frozen=True)
class ReminderLine:
    """A reminder as "My learning" shows it (kept in the cache: plain values only)."""

    pk: int
    kind: str
    course_title: str
    due_on: datetime.date | None


def reminder_lines(learning: MyLearning) -> list[ReminderLine]:
    return [
        ReminderLine(r.pk, r.kind, r.enrolment.course.title, r.enrolment.due_on)
        for r in learning.reminders
    ]


def my_learning_key(user, *, version: str | None = None) -> str:
    """The cache key of a person's "My learning" as it stands now, in one query.

    The key holds a digest of everything of the person's that the page shows: their
    enrolments' rows (due dates, completion, the lesson last opened, the assignment), the
    number and newest of their lesson completions (added or removed, never changed) and of
    their reminders not dismissed; beside the pages' version (titles, lessons, tests), the
    language, the day (overdue, due soon) and the code. A change to any of them, by any
    process, through any write (a bulk update too), gives a new key: nothing to invalidate.
    """
    completions = connection.ops.quote_name(LessonCompletion._meta.db_table)
    enrolments = connection.ops.quote_name(Enrolment._meta.db_table)
    reminders = connection.ops.quote_name(Reminder._meta.db_table)
    sql = (
        "SELECT e.id, e.course_id, e.source, e.assignment_id, e.due_on, e.completed_at,"
        " e.completed_before, e.last_lesson_id,"
        f" (SELECT COUNT(*) FROM {reminders} r WHERE r.enrolment_id = e.id"
        " AND r.dismissed_at IS NULL),"
        f" (SELECT MAX(r.id) FROM {reminders} r WHERE r.enrolment_id = e.id"
        " AND r.dismissed_at IS NULL)"
        f" FROM {enrolments} e WHERE e.user_id = %s"
        " UNION ALL"
        f" SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, COUNT(*), MAX(c.id)"
        f" FROM {completions} c WHERE c.user_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk])
        rows = sorted(cursor.fetchall(), key=repr)
    digest = hashlib.sha1(repr(rows).encode(), usedforsecurity=False).hexdigest()
    version = version or pages_version()
    language = translation.get_language() or ""
    today = timezone.localdate().isoformat()
    return f"lms:my-learning:{MY_LEARNING_TAG}:{user.pk}:{version}:{language}:{today}:{digest}"


def search_lessons(query: str, *, user=None, limit: int = 50):
    """Live courses and lessons that match `query` (Chinese words too: see
    lms.platform.search_backend), leaving out those under a view restriction that `user`
    does not pass (the title of a page kept for a group is not shown to others).

    Those whose title holds the whole query come first (then the backend's order). Each
    result carries what the results page shows: `search_course` (a lesson's course, a
    course itself), `search_title` and `search_excerpt` (HTML, escaped, the matches in
    <mark>). Two queries more than the search: the restrictions and the lessons' courses."""
    if not query.strip():
        return []
    pages = Page.objects.live().type(LessonPage, CoursePage)
    for restricted in _restricted_for(user):
        pages = pages.not_descendant_of(restricted, inclusive=True)
    found = list(pages.specific().search(query)[:limit])
    steplen = Page.steplen
    parents = {p.path[:-steplen] for p in found if isinstance(p, LessonPage)}
    courses = (
        {c.path: c for c in CoursePage.objects.filter(path__in=parents).only("title", "path")}
        if parents
        else {}
    )
    for page in found:
        if isinstance(page, LessonPage):
            page.search_course = courses.get(page.path[:-steplen])
            text = f"{page.summary} {unescape(page.body_text())}"  # its entities as text
        else:
            page.search_course = page
            text = page.summary
        # highlight() escapes the text and the query: only its <mark>s are markup.
        page.search_title = mark_safe(search.highlight(page.title, query))
        page.search_excerpt = mark_safe(
            search.highlight(search.excerpt(text, query, EXCERPT_WIDTH), query)
        )
    # sorted() is stable: the backend's order within each group.
    return sorted(found, key=lambda page: not search.title_matches(page.title, query))


EXCERPT_WIDTH = 100


def _restricted_for(user) -> list[Page]:
    """The pages whose view restriction `user` does not pass. A password-protected page is
    always left out: its password is asked on the page itself."""
    signed_in = user is not None and user.is_authenticated
    group_ids = set(user.groups.values_list("pk", flat=True)) if signed_in else set()
    closed = []
    for restriction in PageViewRestriction.objects.select_related("page").prefetch_related(
        "groups"
    ):
        kind = restriction.restriction_type
        if kind == PageViewRestriction.LOGIN:
            passes = signed_in
        elif kind == PageViewRestriction.GROUPS:
            passes = signed_in and (
                user.is_superuser or bool(group_ids & {g.pk for g in restriction.groups.all()})
            )
        else:
            passes = kind == PageViewRestriction.NONE
        if not passes:
            closed.append(restriction.page)
    return closed
