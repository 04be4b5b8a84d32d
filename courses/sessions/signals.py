"""What live training tells higher apps (the learning records), each sent inside the
transaction that writes it, so that what a receiver writes is committed with it or not at all:

- `attendance_recorded`: a person is now present at a session (the trainer's tick or the
  room's code);
- `drill_scored`: a participant's drill score is complete, or changed.
"""

from django.dispatch import Signal

# sender=SignUp, signup=<SignUp>
attendance_recorded = Signal()

# sender=DrillEvaluation, evaluation=<DrillEvaluation>
drill_scored = Signal()
