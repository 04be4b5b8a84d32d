"""What the certificates tell the rest of the app: certificates have been issued (a course's,
a cycle's, or one re-issued), or one revoked (by HR, or replaced by its re-issue). Sent inside
the transaction that makes the change, so that what a receiver writes (the learning records'
statements) is committed with it, or not at all."""

from django.dispatch import Signal

# sender=Certificate, certificates=<list of new Certificates>
certificates_issued = Signal()

# sender=Certificate, certificate=<the Certificate, revoked_at set>
certificate_revoked = Signal()
