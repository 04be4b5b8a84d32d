"""Receivers of the lms hooks: onboarding for new staff, demo content for seed_demo."""

from django.dispatch import receiver

from lms.signals import demo_seeded, staff_created


@receiver(staff_created, dispatch_uid="courses.onboard")
def onboard_new_staff(sender, profile, **kwargs):
    from courses.services import staff_onboard

    staff_onboard(profile=profile)


@receiver(demo_seeded, dispatch_uid="courses.demo")
def load_demo_courses(sender, stdout=None, **kwargs):
    from courses.demo import load_demo_courses

    load_demo_courses(stdout=stdout)
