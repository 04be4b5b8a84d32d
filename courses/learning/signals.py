"""Signals the courses app sends for higher apps (certificates listen to these)."""

from django.dispatch import Signal

# sender=Enrolment, enrolment=<Enrolment>
course_completed = Signal()
