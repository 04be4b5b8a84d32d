"""What the imports tell the rest of the app: a file has been written (`import_applied`, sent
with the batch once its transaction commits), so that features that read the data (the
retraining rules) can act on it without the imports knowing them."""

from django.dispatch import Signal

import_applied = Signal()
