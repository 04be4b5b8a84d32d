"""Background task of the cycles (django-tasks): a cycle's computation."""

from django_tasks import task

from assessments.cycles.compute import cycle_compute, progress_reporter
from assessments.models.cycles import AssessmentCycle


@task()
def compute_cycle(cycle_id: int) -> dict:
    """Compute (or recompute) an assessment cycle, its progress in the cache for the page."""
    cycle = AssessmentCycle.objects.get(pk=cycle_id)
    people = cycle_compute(cycle, on_progress=progress_reporter(cycle))
    return {"people": people}
