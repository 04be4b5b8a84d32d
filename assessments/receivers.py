"""Every receiver of the assessments app, connected in one place with its sender (`connect`,
called by AssessmentsConfig.ready): the demo's assessment content for `seed_demo`, a course's
certificate when it is completed."""

import logging

from courses.learning.signals import course_completed
from courses.models.learning import Enrolment
from lms.demo import company
from lms.signals import demo_seeded

log = logging.getLogger(__name__)


def connect() -> None:
    """Connect every receiver of the app, each to the sender it is for."""
    demo_seeded.connect(load_demo_assessments, sender=company, dispatch_uid="assessments.demo")
    course_completed.connect(
        issue_course_certificate, sender=Enrolment, dispatch_uid="assessments.course_certificate"
    )


def load_demo_assessments(sender, stdout=None, **kwargs):
    from assessments.demo.certificates import load_demo_certificates
    from assessments.demo.cycles import load_demo_cycles
    from assessments.demo.operations import load_demo_operations
    from assessments.demo.questions import load_demo_questions
    from assessments.demo.quizzes import load_demo_quizzes

    load_demo_questions(stdout=stdout)
    load_demo_quizzes(stdout=stdout)
    load_demo_operations(stdout=stdout)
    load_demo_cycles(stdout=stdout)
    load_demo_certificates(stdout=stdout)


def issue_course_certificate(sender, enrolment, **kwargs):
    """A completed course earns its certificate. The signal comes once the completion is
    committed, so the certificate is issued in a transaction of its own; should that fail,
    the completion stands and the failure is logged, not shown to the learner."""
    from assessments.certificates.services import certificate_issue_for_course

    try:
        certificate_issue_for_course(enrolment=enrolment)
    except Exception:
        log.exception("No certificate issued for the completed enrolment %s.", enrolment.pk)
