"""Every receiver of the assessments app, connected in one place with its sender (`connect`,
called by AssessmentsConfig.ready): the demo's assessment content for `seed_demo`, a course's
certificate when it is completed, the retraining rules when complaints are imported or a cycle
is finalised, the learning records (xAPI) of lessons, quiz attempts, sessions, drills and
certificates."""

import logging

from django.db import transaction

from assessments.certificates.signals import certificate_revoked, certificates_issued
from assessments.cycles.signals import cycle_finalised
from assessments.imports.signals import import_applied
from assessments.models.certificates import Certificate
from assessments.models.cycles import AssessmentCycle
from assessments.models.metrics import ImportBatch, ImportKind
from assessments.models.quizzes import Attempt
from assessments.quizzes.signals import attempts_graded
from courses.learning.signals import course_completed, lesson_completed
from courses.models.learning import Enrolment, LessonCompletion
from courses.models.live import DrillEvaluation, SignUp
from courses.sessions.signals import attendance_recorded, drill_scored
from lms.demo import company
from lms.signals import demo_seeded

log = logging.getLogger(__name__)


def connect() -> None:
    """Connect every receiver of the app, each to the sender it is for."""
    demo_seeded.connect(load_demo_assessments, sender=company, dispatch_uid="assessments.demo")
    course_completed.connect(
        issue_course_certificate, sender=Enrolment, dispatch_uid="assessments.course_certificate"
    )
    import_applied.connect(
        retrain_after_import, sender=ImportBatch, dispatch_uid="assessments.retraining.import"
    )
    cycle_finalised.connect(
        retrain_after_finalise, sender=AssessmentCycle, dispatch_uid="assessments.retraining.cycle"
    )
    # The learning records: each event's xAPI statement, in the event's transaction.
    for signal, receiver, sender in [
        (lesson_completed, record_lesson_completed, LessonCompletion),
        (attempts_graded, record_attempts_graded, Attempt),
        (attendance_recorded, record_attendance, SignUp),
        (drill_scored, record_drill_score, DrillEvaluation),
        (certificates_issued, record_certificates, Certificate),
        (certificate_revoked, record_certificate_revoked, Certificate),
    ]:
        uid = f"assessments.xapi.{receiver.__name__}"
        signal.connect(receiver, sender=sender, dispatch_uid=uid)


def load_demo_assessments(sender, stdout=None, **kwargs):
    from assessments.demo.certificates import load_demo_certificates
    from assessments.demo.cycles import load_demo_cycles
    from assessments.demo.operations import load_demo_operations
    from assessments.demo.questions import load_demo_questions
    from assessments.demo.quizzes import load_demo_quizzes
    from assessments.demo.retraining import load_demo_retraining

    load_demo_questions(stdout=stdout)
    load_demo_quizzes(stdout=stdout)
    load_demo_operations(stdout=stdout)
    load_demo_cycles(stdout=stdout)
    load_demo_certificates(stdout=stdout)
    load_demo_retraining(stdout=stdout)


def issue_course_certificate(sender, enrolment, **kwargs):
    """A completed course earns its certificate. The signal comes once the completion is
    committed, so the certificate is issued in a transaction of its own; should that fail,
    the completion stands and the failure is logged, not shown to the learner."""
    from assessments.certificates.services import certificate_issue_for_course

    try:
        certificate_issue_for_course(enrolment=enrolment)
    except Exception:
        log.exception("No certificate issued for the completed enrolment %s.", enrolment.pk)


def retrain_after_import(sender, batch, **kwargs):
    """Complaints written: the complaint rules answer the new causes. Sent once the import is
    committed; should the rules fail, the import stands and the failure is logged (the next
    import, or a rule saved, answers what was missed)."""
    if batch.kind != ImportKind.COMPLAINTS:
        return
    from assessments.retraining.services import retraining_after_complaints

    try:
        retraining_after_complaints()
    except Exception:
        log.exception("The retraining rules failed after the import %s.", batch.pk)


def retrain_after_finalise(sender, cycle, **kwargs):
    """A cycle finalised: the part rules read its results. As above, a failure is logged and
    the finalisation stands."""
    from assessments.retraining.services import retraining_after_finalise

    try:
        retraining_after_finalise(cycle=cycle)
    except Exception:
        log.exception("The retraining rules failed after finalising the cycle %s.", cycle.pk)


def _record(service, what, **records) -> None:
    """Put an event's statements in the outbox, in a savepoint of the event's transaction:
    should that fail, the event stands (the person's lesson, attempt or certificate is not
    refused for it) and the failure is logged."""
    from assessments.xapi import services

    if not services.configured():
        return
    try:
        with transaction.atomic():
            getattr(services, service)(**records)
    except Exception:
        log.exception("No xAPI statement recorded for %s.", what)


def record_lesson_completed(sender, completion, **kwargs):
    what = f"lesson completion {completion.pk}"
    _record("lesson_completion_record", what, completion=completion)


def record_attempts_graded(sender, attempts, **kwargs):
    _record("attempts_graded_record", f"attempts {[a.pk for a in attempts]}", attempts=attempts)


def record_attendance(sender, signup, **kwargs):
    _record("attendance_record", f"sign-up {signup.pk}", signup=signup)


def record_drill_score(sender, evaluation, **kwargs):
    _record("drill_score_record", f"drill evaluation {evaluation.pk}", evaluation=evaluation)


def record_certificates(sender, certificates, **kwargs):
    what = f"certificates {[c.pk for c in certificates]}"
    _record("certificates_issued_record", what, certificates=certificates)


def record_certificate_revoked(sender, certificate, **kwargs):
    what = f"certificate {certificate.pk} revoked"
    _record("certificate_revoked_record", what, certificate=certificate)
