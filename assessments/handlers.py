"""Receivers of the lms hooks."""

from django.dispatch import receiver

from lms.signals import demo_seeded


@receiver(demo_seeded, dispatch_uid="assessments.demo")
def load_demo_assessments(sender, stdout=None, **kwargs):
    from assessments.demo import load_demo_questions, load_demo_quizzes
    from assessments.demo.cycles import load_demo_cycles
    from assessments.demo.operations import load_demo_operations

    load_demo_questions(stdout=stdout)
    load_demo_quizzes(stdout=stdout)
    load_demo_operations(stdout=stdout)
    load_demo_cycles(stdout=stdout)
