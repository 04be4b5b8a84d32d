"""Signals the courses app sends for higher apps (certificates and the learning records listen
to these).

- `course_completed` is sent once the completion is committed.
- `lesson_completed` is sent inside the transaction that records the completion, so that what
  a receiver writes (a learning record's statement) is committed with it, or not at all.
"""

from django.dispatch import Signal

# sender=Enrolment, enrolment=<Enrolment>
course_completed = Signal()

# sender=LessonCompletion, completion=<LessonCompletion>
lesson_completed = Signal()
