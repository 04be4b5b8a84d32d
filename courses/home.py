"""The courses app's sections of the home page's "what needs me today" (`lms.platform.home`):
the learner's next step, courses due and next session; the trainer's sessions, overdue
learners and drills to review. Each reads through its feature's selectors, in a fixed number
of queries."""

from __future__ import annotations

from django.utils import timezone

from courses.drills import selectors as drill_selectors
from courses.learning import reports
from courses.learning import selectors as learning_selectors
from courses.sessions import selectors as session_selectors
from lms.platform.home import Audience, HomeSection, home_sections
from lms.platform.routing import pages_version

DUE_SHOWN = 5


def learning_of(request, user) -> learning_selectors.MyLearning:
    """The person's learning, read once per request (the home page's sections and panel share
    it)."""
    cached = getattr(request, "_home_my_learning", None)
    if cached is None or cached[0] != user.pk:
        cached = (user.pk, learning_selectors.my_learning(user, version=pages_version(request)))
        request._home_my_learning = cached
    return cached[1]


def continue_learning(request, user):
    """Where to pick up: the first open course not waiting for a prerequisite."""
    learning = learning_of(request, user)
    item = next((i for i in learning.open if not i.locked_by and i.continue_url), None)
    if item is None:
        return None
    return {"item": item}


def due_courses(request, user):
    """The open courses overdue or due soon, the most urgent first."""
    learning = learning_of(request, user)
    due = [i for i in learning.open if i.status.overdue or i.status.due_soon]
    if not due:
        return None
    return {"items": due[:DUE_SHOWN], "more": max(len(due) - DUE_SHOWN, 0)}


def next_session(request, user):
    signup = session_selectors.next_booked_session(user)
    return {"signup": signup, "session": signup.session} if signup is not None else None


def sessions_to_run(request, user):
    sessions = session_selectors.sessions_led_today_and_tomorrow(user)
    if not sessions:
        return None
    today = timezone.localdate()
    return {
        "sessions": [
            (session, timezone.localtime(session.starts_at).date() <= today)
            for session in sessions
        ]
    }


def overdue_learners(request, user):
    count = reports.overdue_learner_count(user)
    return {"count": count} if count else None


def drills_to_review(request, user):
    reviews = drill_selectors.drills_to_review(user)
    return {"reviews": reviews} if reviews.count else None


def register() -> None:
    for section in (
        HomeSection("courses.continue", Audience.LEARNER, "courses/home/continue.html",
                    continue_learning, order=10),
        HomeSection("courses.due", Audience.LEARNER, "courses/home/due.html", due_courses,
                    order=20),
        HomeSection("courses.next_session", Audience.LEARNER, "courses/home/next_session.html",
                    next_session, order=30),
        HomeSection("courses.sessions_to_run", Audience.TRAINER,
                    "courses/home/sessions_to_run.html", sessions_to_run, order=20),
        HomeSection("courses.overdue_learners", Audience.TRAINER,
                    "courses/home/overdue_learners.html", overdue_learners, order=30),
        HomeSection("courses.drills_to_review", Audience.TRAINER,
                    "courses/home/drills_to_review.html", drills_to_review, order=40),
    ):  # fmt: skip
        home_sections.register(section)
