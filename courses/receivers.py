"""Receivers of the lms hooks: onboarding for new staff, demo content for seed_demo."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from lms.signals import demo_seeded, staff_created


@receiver(staff_created, dispatch_uid="courses.onboard")
def onboard_new_staff(sender, profile, **kwargs):
    from courses.learning.services import staff_onboard

    staff_onboard(profile=profile)


@receiver(demo_seeded, dispatch_uid="courses.demo.learning")
def load_demo_courses(sender, stdout=None, **kwargs):
    from courses.demo.learning import load_demo_courses

    load_demo_courses(stdout=stdout)


@receiver(page_published, dispatch_uid="courses.rubric_version")
def keep_rubric_version(sender, instance, **kwargs):
    from courses.drills.review import rubric_version_record
    from courses.models import DrillPage

    if isinstance(instance, DrillPage):
        rubric_version_record(instance)


@receiver(post_save, dispatch_uid="courses.drill_review")
def review_new_drill_index(sender, instance, created, raw=False, **kwargs):
    from courses.drills.review import drill_index_reviewed
    from courses.models import DrillIndexPage

    if created and not raw and isinstance(instance, DrillIndexPage):
        drill_index_reviewed(instance)
