"""Load the demo training: the five courses of `demo_content` and people at every stage.

Called by `manage.py seed_demo` (through the `demo_seeded` signal), after the
demo organisation and staff exist. Safe to run again: the content is created
once (while the training home page does not exist), and so are the demo
progress and assignment; a later run only gives any new staff the onboarding
path.

The demo learner E1001 (王喆) shows every state on "My learning": module 1
completed, module 2 half done and overdue, module 3 due within three days,
module 4 waiting for module 3 (its prerequisite), module 5 due later. Dates
are relative to the day of loading.
"""

from __future__ import annotations

import datetime
import math
import random
import zlib
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from courses.demo import learning_content
from courses.demo.live import load_demo_live
from courses.learning import services
from courses.models.learning import Enrolment, LessonCompletion
from courses.models.pages import CourseIndexPage, CoursePage, LessonPage, TrainingHomePage
from lms.models.accounts import StaffProfile, StaffStatus, User
from lms.models.pages import HomePage

LEARNER = "E1001"


HR_USER = "H0001"


# Demo learners: employee number → how many lessons of the onboarding path they
# finished, in order (None: all of them).
FINISHED = ["T0001", "E1002", "E1005", "E1009", "E1016", "E1019", "E1023"]


HALFWAY = ["E1003", "E1006", "E1010", "E1012", "E1020", "E1026"]


STARTED = ["E1004", "E1013", "E1017", "E1024"]


PROGRESS: dict[str, int | None] = {
    **dict.fromkeys(FINISHED),
    **dict.fromkeys(HALFWAY, 10),  # modules 1 and 2, and two lessons of module 3
    **dict.fromkeys(STARTED, 2),
}


# E1001: (days ago) of each lesson finished, per course slug, and the due date of
# each course in days from today.
LEARNER_LESSONS = {"company-culture": [27, 26, 24, 23], "customer-service": [8, 5]}


LEARNER_DUE = {
    "company-culture": -20,
    "customer-service": -3,
    "business-process": 2,
    "emergency-handling": 16,
    "teamwork-communication": 31,
}


# The training "went live" this many days ago: staff hired before then have
# their onboarding due dates counted from it rather than from their hire date.
ROLLOUT_DAYS_AGO = 10


# The learners who started and stalled: their first course was due this many days ago.
STALLED_DUE_DAYS = -3


IMAGE_SIZE = (1200, 675)


def load_demo_courses(stdout=None) -> None:
    """Create the demo training (once), then give every active member of staff the path."""
    home = HomePage.objects.first()
    if home is None:
        _say(stdout, "No home page: run the migrations first; demo training not loaded.")
        return
    created = not TrainingHomePage.objects.exists()
    with transaction.atomic():
        if created:
            courses = _content(home)
            _assignment(courses)
        _onboard(everyone=created)
        if created:
            _dates_and_progress(courses)
    lessons = LessonPage.objects.live().count()
    _say(
        stdout,
        f"Demo training {'loaded' if created else 'already loaded'}: "
        f"{CoursePage.objects.live().count()} courses, {lessons} lessons, "
        f"{Enrolment.objects.count()} enrolments, "
        f"{LessonCompletion.objects.count()} lessons completed.",
    )
    load_demo_live(stdout=stdout)


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


# Content -------------------------------------------------------------------


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _content(home: HomePage) -> dict[str, CoursePage]:
    images = {key: _image(key, *spec) for key, spec in learning_content.IMAGES.items()}
    documents = {key: _document(*spec) for key, spec in learning_content.DOCUMENTS.items()}
    training = _publish(home, TrainingHomePage(**learning_content.TRAINING_HOME))
    index = _publish(training, CourseIndexPage(**learning_content.COURSE_INDEX))
    courses: dict[str, CoursePage] = {}
    for spec in learning_content.COURSES:
        course = _publish(
            index,
            CoursePage(
                title=spec["title"],
                slug=spec["slug"],
                module=spec["module"],
                summary=spec["summary"],
                cover_image=images[spec["cover"]],
                estimated_minutes=spec["estimated_minutes"],
                target_positions=spec["target_positions"],
                onboarding_order=spec["onboarding_order"],
                onboarding_due_days=spec["onboarding_due_days"],
            ),
        )
        if spec["prerequisites"]:
            course.prerequisites.set([courses[slug] for slug in spec["prerequisites"]])
            course.save_revision().publish()
        for lesson in spec["lessons"]:
            _publish(
                course,
                LessonPage(
                    title=lesson["title"],
                    slug=lesson["slug"],
                    summary=lesson["summary"],
                    estimated_minutes=lesson["estimated_minutes"],
                    body=_body(lesson["body"], images, documents),
                ),
            )
        courses[spec["slug"]] = course
    return courses


def _body(blocks, images, documents) -> list[dict]:
    """The lesson's blocks as StreamField data, with media keys replaced by ids."""
    data = []
    for kind, value in blocks:
        if isinstance(value, dict):
            value = dict(value)
            if kind == "image":
                value["image"] = images[value["image"]].pk
            elif kind == "video":
                value.setdefault("document", None)
                value["poster"] = images[value["poster"]].pk if value.get("poster") else None
            elif kind == "document":
                value["document"] = documents[value["document"]].pk
            elif kind == "key_rule":
                value.setdefault("note", "")
            elif kind == "knowledge_check":
                value.setdefault("explanation", "")
        data.append({"type": kind, "value": value})
    return data


def _image(key: str, title: str, shape: str, top: str, bottom: str, ink: str):
    buffer = BytesIO()
    _draw(shape, top, bottom, ink).save(buffer, format="PNG")
    image = get_image_model()(title=title, file=ImageFile(buffer, name=f"{key}.png"))
    image._set_image_file_metadata()
    image.save()
    return image


def _document(title: str, filename: str, text: str):
    encoding = "utf-8-sig" if filename.endswith(".csv") else "utf-8"
    document = get_document_model()(
        title=title, file=ContentFile(text.encode(encoding), name=filename)
    )
    document._set_document_file_metadata()
    document.save()
    return document


# Pictures: a gradient, two soft circles and a shape.


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def _draw(shape: str, top: str, bottom: str, ink: str) -> PILImage.Image:
    a, b = _rgb(top), _rgb(bottom)
    w, h = IMAGE_SIZE
    mask = PILImage.linear_gradient("L").resize((w, h))
    picture = PILImage.composite(
        PILImage.new("RGB", (w, h), b), PILImage.new("RGB", (w, h), a), mask
    ).convert("RGBA")
    # Two soft circles in the background.
    glow = PILImage.new("RGBA", (w, h), (0, 0, 0, 0))
    soft = ImageDraw.Draw(glow)
    soft.ellipse((-0.15 * w, 0.45 * h, 0.35 * w, 1.35 * h), fill=(255, 255, 255, 22))
    soft.ellipse((0.72 * w, -0.35 * h, 1.2 * w, 0.5 * h), fill=(255, 255, 255, 16))
    picture.alpha_composite(glow)
    # The shape, drawn twice as large and scaled down for smooth edges.
    layer = PILImage.new("RGBA", (2 * w, 2 * h), (0, 0, 0, 0))
    SHAPES[shape](ImageDraw.Draw(layer), w, h, 0.6 * h, _rgb(ink) + (255,), a + (255,))
    picture.alpha_composite(layer.reduce(2))
    return picture.convert("RGB")


def _star(draw, cx, cy, r, ink, bg):
    points = []
    for i in range(10):
        radius = 1.2 * r if i % 2 == 0 else 0.5 * r
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=ink)


def _bubbles(draw, cx, cy, r, ink, bg):
    draw.rounded_rectangle((cx - 1.5 * r, cy - r, cx + 0.3 * r, cy + 0.1 * r), r * 0.3, fill=ink)
    draw.polygon([(cx - r, cy), (cx - 1.2 * r, cy + 0.45 * r), (cx - 0.6 * r, cy)], fill=ink)
    for i in range(3):
        x = cx - 1.05 * r + i * 0.45 * r
        draw.ellipse((x - 0.1 * r, cy - 0.55 * r, x + 0.1 * r, cy - 0.35 * r), fill=bg)
    left, top, right, bottom = cx - 0.1 * r, cy - 0.15 * r, cx + 1.5 * r, cy + 0.85 * r
    draw.rounded_rectangle((left, top, right, bottom), r * 0.3, outline=ink, width=int(r * 0.1))
    draw.polygon(
        [(cx + r, bottom - 5), (cx + 1.25 * r, cy + 1.25 * r), (cx + 0.65 * r, bottom - 5)],
        fill=ink,
    )


def _parcel(draw, cx, cy, r, ink, bg):
    draw.rectangle((cx - 1.1 * r, cy - 0.5 * r, cx + 1.1 * r, cy + r), fill=ink)
    draw.rectangle((cx - 1.25 * r, cy - r, cx + 1.25 * r, cy - 0.5 * r), fill=ink)
    draw.line(
        (cx - 1.25 * r, cy - 0.5 * r, cx + 1.25 * r, cy - 0.5 * r), fill=bg, width=int(r * 0.05)
    )
    draw.rectangle((cx - 0.14 * r, cy - r, cx + 0.14 * r, cy - 0.05 * r), fill=bg)
    draw.rectangle((cx + 0.45 * r, cy + 0.45 * r, cx + 0.9 * r, cy + 0.75 * r), fill=bg)


def _warning(draw, cx, cy, r, ink, bg):
    draw.polygon([(cx, cy - 1.15 * r), (cx - 1.25 * r, cy + r), (cx + 1.25 * r, cy + r)], fill=ink)
    draw.rounded_rectangle((cx - 0.11 * r, cy - 0.45 * r, cx + 0.11 * r, cy + 0.4 * r), 8, fill=bg)
    draw.ellipse((cx - 0.13 * r, cy + 0.55 * r, cx + 0.13 * r, cy + 0.81 * r), fill=bg)


def _rings(draw, cx, cy, r, ink, bg):
    width = int(r * 0.14)
    for dx, dy in ((-0.6, 0.3), (0.6, 0.3), (0, -0.55)):
        x, y = cx + dx * r, cy + dy * r
        draw.ellipse(
            (x - 0.75 * r, y - 0.75 * r, x + 0.75 * r, y + 0.75 * r), outline=ink, width=width
        )


def _route(draw, cx, cy, r, ink, bg):
    points = [(cx - 2.1 * r, cy + 0.5 * r), (cx - 0.7 * r, cy - 0.5 * r)]
    points += [(cx + 0.7 * r, cy + 0.5 * r), (cx + 2.1 * r, cy - 0.5 * r)]
    draw.line(points, fill=ink, width=int(r * 0.1), joint="curve")
    for x, y in points:
        draw.ellipse((x - 0.4 * r, y - 0.4 * r, x + 0.4 * r, y + 0.4 * r), fill=ink)
        draw.ellipse((x - 0.17 * r, y - 0.17 * r, x + 0.17 * r, y + 0.17 * r), fill=bg)


def _clock(draw, cx, cy, r, ink, bg):
    r *= 1.15
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=ink, width=int(r * 0.1))
    for i in range(12):
        angle = i * math.pi / 6
        inner = 0.72 if i % 3 == 0 else 0.8
        x0, y0 = cx + inner * r * math.cos(angle), cy + inner * r * math.sin(angle)
        x1, y1 = cx + 0.86 * r * math.cos(angle), cy + 0.86 * r * math.sin(angle)
        draw.line((x0, y0, x1, y1), fill=ink, width=int(r * 0.04))
    draw.line((cx, cy, cx, cy - 0.62 * r), fill=ink, width=int(r * 0.07))
    draw.line((cx, cy, cx + 0.42 * r, cy + 0.18 * r), fill=ink, width=int(r * 0.07))
    draw.ellipse((cx - 0.08 * r, cy - 0.08 * r, cx + 0.08 * r, cy + 0.08 * r), fill=ink)


def _extinguisher(draw, cx, cy, r, ink, bg):
    dark = (40, 40, 40, 255)
    draw.rounded_rectangle(
        (cx - 0.45 * r, cy - 0.7 * r, cx + 0.45 * r, cy + 1.2 * r), r * 0.3, fill=ink
    )
    draw.rectangle((cx - 0.12 * r, cy - 1.05 * r, cx + 0.12 * r, cy - 0.68 * r), fill=dark)
    draw.polygon(
        [
            (cx - 0.1 * r, cy - 1.1 * r),
            (cx + 0.7 * r, cy - 1.25 * r),
            (cx + 0.7 * r, cy - 1.05 * r),
        ],
        fill=dark,
    )
    draw.line(
        [
            (cx + 0.12 * r, cy - 0.95 * r),
            (cx + 0.75 * r, cy - 0.6 * r),
            (cx + 0.75 * r, cy + 0.4 * r),
        ],
        fill=dark,
        width=int(r * 0.08),
        joint="curve",
    )
    draw.rectangle(
        (cx - 0.45 * r, cy - 0.1 * r, cx + 0.45 * r, cy + 0.35 * r), fill=(255, 255, 255, 235)
    )


def _people(draw, cx, cy, r, ink, bg):
    for dx, size in ((-1.3, 0.8), (1.3, 0.8), (0, 1.0)):
        x, s = cx + dx * r, size * r
        head = cy - 0.55 * r * size - 0.1 * r
        draw.ellipse((x - 0.38 * s, head - 0.38 * s, x + 0.38 * s, head + 0.38 * s), fill=ink)
        draw.rounded_rectangle(
            (x - 0.62 * s, head + 0.5 * s, x + 0.62 * s, cy + 1.05 * r), 0.45 * s, fill=ink
        )


def _play(draw, cx, cy, r, ink, bg):
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=ink)
    draw.polygon(
        [(cx - 0.3 * r, cy - 0.48 * r), (cx - 0.3 * r, cy + 0.48 * r), (cx + 0.5 * r, cy)], fill=bg
    )


SHAPES = {
    "star": _star,
    "bubbles": _bubbles,
    "parcel": _parcel,
    "warning": _warning,
    "rings": _rings,
    "route": _route,
    "clock": _clock,
    "extinguisher": _extinguisher,
    "people": _people,
    "play": _play,
}


# People --------------------------------------------------------------------


def _assignment(courses: dict[str, CoursePage]) -> None:
    """HR gives the customer-service course to every customer-service agent."""
    hr = User.objects.filter(username=HR_USER).first()
    if hr is None:
        return
    services.assignment_create(
        by=hr,
        course=courses["customer-service"],
        position="customer_service",
        due_on=timezone.localdate() + datetime.timedelta(days=14),
        note=learning_content.ASSIGNMENT_NOTE,
    )


def _onboard(*, everyone: bool) -> None:
    """Give active staff the onboarding path: everyone, or those who have no course yet.

    New staff are onboarded when they are created; a repeated run only catches
    anyone missed, and leaves the demo's due dates of the others as they are.
    """
    profiles = StaffProfile.objects.filter(status=StaffStatus.ACTIVE)
    if not everyone:
        profiles = profiles.exclude(user__enrolments__isnull=False)
    for profile in profiles:
        services.staff_onboard(profile=profile)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _dates_and_progress(courses: dict[str, CoursePage]) -> None:
    today = timezone.localdate()
    rollout = today - datetime.timedelta(days=ROLLOUT_DAYS_AGO)
    path = sorted(courses.values(), key=lambda c: c.onboarding_order)
    lessons = {c.pk: list(LessonPage.objects.child_of(c).live().order_by("path")) for c in path}
    in_order = [lesson for c in path for lesson in lessons[c.pk]]
    profiles = {
        p.user.username: p
        for p in StaffProfile.objects.filter(status=StaffStatus.ACTIVE).select_related("user")
    }

    # Due dates and enrolment times, as if the training went live on `rollout`.
    enrolments = list(
        Enrolment.objects.filter(user__profile__status=StaffStatus.ACTIVE).select_related(
            "course", "assignment", "user__profile"
        )
    )
    for enrolment in enrolments:
        start = max(enrolment.user.profile.hire_date, rollout)
        due = start + datetime.timedelta(days=enrolment.course.onboarding_due_days)
        if enrolment.assignment and enrolment.assignment.due_on:
            due = min(due, enrolment.assignment.due_on)
        enrolment.due_on = due
        enrolment.enrolled_at = _at(start, 9)
    Enrolment.objects.bulk_update(enrolments, ["due_on", "enrolled_at"])

    for number, count in PROGRESS.items():
        profile = profiles.get(number)
        if profile is None:
            continue
        done = in_order if count is None else in_order[:count]
        rng = random.Random(zlib.crc32(number.encode()))
        span = min(42, max(7, 2 * len(done)), (today - profile.hire_date).days - 1)
        times = sorted(
            _at(
                today - datetime.timedelta(days=rng.randint(1, max(span, 1))),
                rng.randint(8, 20),
                rng.choice([0, 15, 30, 45]),
            )
            for _ in done
        )
        _learn(profile.user, done, times)
        if number in STARTED:
            Enrolment.objects.filter(user=profile.user, course=path[0]).update(
                due_on=today + datetime.timedelta(days=STALLED_DUE_DAYS)
            )

    learner = profiles.get(LEARNER)
    if learner is not None:
        by_slug = {c.slug: c for c in path}
        done, times = [], []
        for slug, days_ago in LEARNER_LESSONS.items():
            for lesson, ago in zip(lessons[by_slug[slug].pk], days_ago, strict=False):
                done.append(lesson)
                times.append(_at(today - datetime.timedelta(days=ago), 20, 10 + ago))
        _learn(learner.user, done, times)
        for slug, days in LEARNER_DUE.items():
            Enrolment.objects.filter(user=learner.user, course=by_slug[slug]).update(
                due_on=today + datetime.timedelta(days=days),
                enrolled_at=_at(today - datetime.timedelta(days=30), 9),
            )


def _learn(user: User, lessons: list[LessonPage], times: list[datetime.datetime]) -> None:
    """Complete `lessons` in order, then date each completion and enrolment as given."""
    for lesson in lessons:
        services.lesson_complete(user=user, lesson=lesson)
    last: dict[int, datetime.datetime] = {}
    for lesson, when in zip(lessons, times, strict=True):
        record = LessonCompletion.objects.filter(user=user, lesson=lesson)
        course_id = record.values_list("course_id", flat=True).get()
        record.update(completed_at=when)
        last[course_id] = when
    first = min(times, default=None)
    for course_id, when in last.items():
        enrolments = Enrolment.objects.filter(user=user, course_id=course_id)
        enrolments.update(last_activity_at=when)
        enrolments.filter(completed_at__isnull=False).update(completed_at=when)
    if first is not None:
        Enrolment.objects.filter(user=user, enrolled_at__gt=first).update(
            enrolled_at=first - datetime.timedelta(days=1)
        )
