"""Background task of the batch printing of certificates (django-tasks)."""

from django_tasks import task


@task()
def print_certificates(job_id: int) -> dict:
    """Join a print job's certificates into one PDF, its progress in the cache for the page."""
    from assessments.models import PrintJob
    from assessments.printing import print_job_run

    job = print_job_run(PrintJob.objects.get(pk=job_id))
    return {"state": job.state, "count": job.count}
