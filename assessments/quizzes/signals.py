"""What the quizzes tell the rest of the app: attempts have their final score (submitted and
graded, an essay graded by hand, or a regrade that changed it). Sent with the attempts inside
the transaction that grades them, so that what a receiver writes (the learning records'
statements) is committed with the grades, or not at all."""

from django.dispatch import Signal

# sender=Attempt, attempts=<list of graded Attempts, each with its quiz and user>
attempts_graded = Signal()
