"""What the certificates tell the rest of the app: certificates have been issued (a course's,
a cycle's, or one re-issued). Sent with them inside the transaction that issues them, so that
what a receiver writes (the learning records' statements) is committed with them, or not at
all."""

from django.dispatch import Signal

# sender=Certificate, certificates=<list of new Certificates>
certificates_issued = Signal()
