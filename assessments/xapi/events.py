"""The product's records read as the events of `statements`: who, what (the site's address
and name of the lesson, quiz, session, drill or certificate), when. A few queries per call,
however many records are given."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from assessments.certificates.verification import verification_url
from assessments.models.certificates import Certificate
from assessments.models.quizzes import Attempt
from assessments.xapi import statements
from assessments.xapi.statements import Activity
from courses.models.learning import LessonCompletion
from courses.models.live import DrillEvaluation, SignUp, TrainingSession
from courses.models.pages import CoursePage


def site() -> statements.Site:
    """The site as the statements name it: the root address the certificates' verification
    links use (BASE_URL), and the site's name: the one the deployment gives (SITE_NAME), or the
    product's name in the site's language, whoever's request records the statement."""
    with translation.override(settings.LANGUAGE_CODE):
        platform = str(settings.WAGTAIL_SITE_NAME)
    return statements.Site(
        home_page=settings.WAGTAILADMIN_BASE_URL.rstrip("/"),
        platform=platform,
    )


def page_url(page) -> str:
    """A page's address under the site's root address (whatever Wagtail site serves it)."""
    parts = page.get_url_parts()
    path = parts[2] if parts is not None else page.url_path
    return site().home_page + path


def _page(page, activity_type: str) -> Activity:
    return Activity(page_url(page), activity_type, page.title, page.title)


def _course(course: CoursePage | None) -> Activity | None:
    return _page(course, statements.COURSE) if course is not None else None


def lesson_completed(completion: LessonCompletion) -> statements.LessonCompleted:
    return statements.LessonCompleted(
        user_id=completion.user_id,
        person=completion.user.username,
        lesson_id=completion.lesson_id,
        lesson=_page(completion.lesson, statements.LESSON),
        course=_course(completion.course),
        at=completion.completed_at,
    )


def attempts_graded(attempts: Sequence[Attempt]) -> list[statements.AttemptGraded]:
    """The graded ones of `attempts`, read again with their person and quiz (two queries)."""
    rows = list(
        Attempt.objects.filter(pk__in=[a.pk for a in attempts], graded_at__isnull=False)
        .exclude(score=None)
        .select_related("user", "quiz")
        .order_by("pk")
    )
    quizzes = {row.quiz.path: row.quiz for row in rows}
    parents = {
        course.path: course
        for course in CoursePage.objects.filter(
            path__in={path[: -quiz.steplen] for path, quiz in quizzes.items()}
        )
    }
    return [
        statements.AttemptGraded(
            user_id=row.user_id,
            person=row.user.username,
            attempt_id=row.pk,
            attempt_number=row.number,
            quiz=_page(row.quiz, statements.ASSESSMENT),
            course=_course(parents.get(row.quiz.path[: -row.quiz.steplen])),
            score=row.score,
            max_score=row.max_score,
            percent=row.percent,
            passed=bool(row.passed),
            at=row.graded_at,
        )
        for row in rows
    ]


def session_activity(session: TrainingSession) -> Activity:
    url = site().home_page + reverse("sessions:session_detail", args=[session.pk])
    return Activity(url, statements.MEETING, session.title, session.title)


def session_attended(signup: SignUp) -> statements.SessionAttended:
    session = signup.session
    course = CoursePage.objects.filter(pk=session.course_id).first() if session.course_id else None
    return statements.SessionAttended(
        user_id=signup.user_id,
        person=signup.user.username,
        session_id=session.pk,
        session=session_activity(session),
        course=_course(course),
        at=signup.checked_in_at or signup.updated_at,
    )


def drill_scored(evaluation: DrillEvaluation) -> statements.DrillScored:
    session = TrainingSession.objects.select_related("drill").get(pk=evaluation.session_id)
    return statements.DrillScored(
        user_id=evaluation.user_id,
        person=evaluation.user.username,
        evaluation_id=evaluation.pk,
        drill=_page(session.drill, statements.PERFORMANCE),
        session=session_activity(session),
        percent=evaluation.percent,
        at=evaluation.scored_at,
    )


def certificates_earned(certificates: Sequence[Certificate]) -> list[statements.CertificateEarned]:
    """Each certificate's earning; their people, templates and courses as the issuing service
    holds them (no query but for a course's address)."""
    courses: dict[int, Activity | None] = {}
    events = []
    for certificate in certificates:
        content = certificate.content or {}
        if certificate.course_id is not None:
            subject = (content.get("course") or {}).get("title") or certificate.course.title
            if certificate.course_id not in courses:
                courses[certificate.course_id] = _course(certificate.course)
        else:
            subject = (content.get("cycle") or {}).get("name") or certificate.cycle.name
        template = certificate.template
        events.append(
            statements.CertificateEarned(
                user_id=certificate.user_id,
                person=certificate.user.username,
                certificate_id=certificate.pk,
                certificate=Activity(
                    verification_url(certificate),
                    statements.CERTIFICATE,
                    f"{subject} {template.title_zh}",
                    f"{template.title_en or template.title_zh}: {subject}",
                ),
                course=courses.get(certificate.course_id),
                at=certificate.issued_at,
            )
        )
    return events


def certificate_revoked(certificate: Certificate) -> statements.CertificateRevoked:
    return statements.CertificateRevoked(
        user_id=certificate.user_id,
        person=certificate.user.username,
        certificate_id=certificate.pk,
        at=certificate.revoked_at,
    )
