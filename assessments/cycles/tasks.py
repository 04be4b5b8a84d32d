"""Background task of the cycles (django-tasks): a cycle's computation.

Safe to run again after its worker was lost (`lms.platform.jobs`): every result is stored in
one transaction, so a computation cut short stored nothing and the results before stand."""

from django_tasks import task

from assessments.cycles.compute import cycle_compute, progress_forget, progress_reporter
from assessments.models.cycles import AssessmentCycle
from lms.platform.jobs import job_kind


def _given_up(args: list, kwargs: dict, reason: str) -> None:
    # "Being computed" follows the task, which has failed: only the progress hint is left.
    progress_forget(args[0] if args else kwargs["cycle_id"])


@job_kind(
    label="Cycles: compute every person's results",
    rerun_safe=True,
    why="stores every result in one transaction: a run cut short stored nothing, and the "
    "results before it stand",
    given_up=_given_up,
)
@task()
def compute_cycle(cycle_id: int) -> dict:
    """Compute (or recompute) an assessment cycle, its progress in the cache for the page."""
    cycle = AssessmentCycle.objects.get(pk=cycle_id)
    people = cycle_compute(cycle, on_progress=progress_reporter(cycle))
    return {"people": people}


@job_kind(
    label="Cycles: tell the people assessed that their results are final",
    rerun_safe=True,
    why="each person is told of a finalisation once (the notification's key): a second run "
    "tells only those the first did not reach",
)
@task()
def announce_results(cycle_id: int) -> dict:
    """Tell every person with a result in a cycle just finalised (queued by `cycle_finalise`
    once it commits)."""
    from assessments.cycles.notices import results_announce

    return {"told": results_announce(cycle_id)}
