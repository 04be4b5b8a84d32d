"""Hooks that higher apps register with, so that `lms` never imports them.

`staff_created` is sent after a new member of staff is saved (by HR or an
import); the courses app listens to give them the onboarding path.
"""

from django.dispatch import Signal

# sender=StaffProfile, profile=<StaffProfile>, by=<User or None>
staff_created = Signal()

# Sent by `manage.py seed_demo` after the demo organisation and staff are in
# place (outside its transaction), so that higher apps load their demo content.
# sender=lms.demo.company (the demo company loaded), stdout=<OutputWrapper>
demo_seeded = Signal()
