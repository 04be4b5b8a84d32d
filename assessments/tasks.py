"""Where jobs queued before the feature packages look for their tasks.

The database task backend stores each job with its task's path; jobs queued by an older
release name these paths, so they stay importable for as long as such jobs may wait.
"""

from assessments.cycles.tasks import compute_cycle
from assessments.imports.tasks import apply_import, check_import

__all__ = ["apply_import", "check_import", "compute_cycle"]
