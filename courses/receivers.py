"""Every receiver of the courses app, connected in one place with its sender (`connect`, called
by CoursesConfig.ready): onboarding for new staff, the demo training for `seed_demo`, the review
workflow of a new drill index, the rubric kept with each published drill, the lead trainers told
of a drill waiting for their review (instead of Wagtail's own e-mail)."""

from django.db.models.signals import post_save
from wagtail.models import TaskState
from wagtail.signals import page_published, task_submitted

from courses.models.live import DrillIndexPage, DrillPage
from lms.demo import company
from lms.models.accounts import StaffProfile
from lms.signals import demo_seeded, staff_created


def connect() -> None:
    """Connect every receiver of the app, each to the sender it is for."""
    staff_created.connect(onboard_new_staff, sender=StaffProfile, dispatch_uid="courses.onboard")
    demo_seeded.connect(load_demo_courses, sender=company, dispatch_uid="courses.demo")
    post_save.connect(
        review_new_drill_index, sender=DrillIndexPage, dispatch_uid="courses.review_workflow"
    )
    page_published.connect(
        keep_rubric_version, sender=DrillPage, dispatch_uid="courses.rubric_version"
    )
    task_submitted.connect(
        tell_drill_reviewers, sender=TaskState, dispatch_uid="courses.drill_review_notice"
    )
    # Wagtail e-mails a group approval task's members when it starts; a drill's reviewers
    # are told by `tell_drill_reviewers` instead (on the channels they chose), so not twice.
    # Connected under Wagtail's own dispatch_uid, which keeps Wagtail's receiver out whichever
    # app is ready first (courses is, in INSTALLED_APPS).
    task_submitted.disconnect(sender=TaskState, dispatch_uid=WAGTAIL_SUBMISSION_EMAIL)
    task_submitted.connect(
        wagtail_submission_email, sender=TaskState, dispatch_uid=WAGTAIL_SUBMISSION_EMAIL
    )


WAGTAIL_SUBMISSION_EMAIL = "group_approval_task_submitted_email_notification"


def onboard_new_staff(sender, profile, **kwargs):
    from courses.learning.services import staff_onboard

    staff_onboard(profile=profile)


def load_demo_courses(sender, stdout=None, **kwargs):
    from courses.demo.confidentiality import load_demo_confidentiality
    from courses.demo.learning import load_demo_courses

    load_demo_courses(stdout=stdout)
    load_demo_confidentiality(stdout=stdout)


def review_new_drill_index(sender, instance, created, raw=False, **kwargs):
    """A new drill index gets the review workflow: its drills are approved before publication."""
    from courses.drills.services import drill_index_reviewed

    if created and not raw:
        drill_index_reviewed(instance)


def keep_rubric_version(sender, instance, **kwargs):
    from courses.drills.services import rubric_version_record

    rubric_version_record(instance)


def tell_drill_reviewers(sender, instance, user=None, **kwargs):
    from courses.drills.notices import review_requested_notify

    review_requested_notify(task_state=instance, submitted_by=user)


def wagtail_submission_email(sender, instance, **kwargs):
    """Wagtail's e-mail to the reviewers of a group approval task, except a drill's review."""
    from wagtail.admin.signal_handlers import task_submission_email_notifier

    from courses.models.reviews import DrillReviewTask

    if isinstance(instance.task.specific, DrillReviewTask):
        return False
    return task_submission_email_notifier(instance=instance, sender=sender, **kwargs)
