"""What the cycles tell the rest of the app: a cycle has been finalised (`cycle_finalised`,
sent with the cycle once its transaction commits), so that features that read results (the
retraining rules) can act on them without the cycles knowing them."""

from django.dispatch import Signal

cycle_finalised = Signal()
