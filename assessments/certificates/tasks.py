"""Background tasks of certificates (django-tasks): rendering each PDF once, after it is
issued, and joining a print job's PDFs."""

from django_tasks import task


@task()
def render_certificates(certificate_ids: list[int]) -> dict:
    """Render the certificates' PDFs and store them (those already rendered, or deleted,
    are left as they are)."""
    from assessments.certificates.pdf import certificates_render
    from assessments.models.certificates import Certificate

    found = Certificate.objects.select_related("template", "seal").filter(pk__in=certificate_ids)
    certificates = sorted(found, key=lambda c: c.pk)
    waiting = sum(c.rendered_at is None for c in certificates)
    certificates_render(certificates)
    return {"rendered": waiting, "missing": len(set(certificate_ids)) - len(certificates)}


@task()
def render_certificate(certificate_id: int) -> dict:
    """Render one certificate's PDF and store it (nothing happens if it already has one).
    Kept for the tasks queued one certificate each before `render_certificates`."""
    from assessments.certificates.pdf import certificate_render
    from assessments.models.certificates import Certificate

    certificate = (
        Certificate.objects.select_related("template", "seal").filter(pk=certificate_id).first()
    )
    if certificate is None:
        return {"rendered": False, "missing": True}
    already = certificate.rendered_at is not None
    certificate = certificate_render(certificate)
    return {"rendered": not already, "sha256": certificate.sha256}


@task()
def print_certificates(job_id: int) -> dict:
    """Join a print job's certificates into one PDF, its progress in the cache for the page."""
    from assessments.certificates.printing import print_job_run
    from assessments.models.printing import PrintJob

    job = print_job_run(PrintJob.objects.get(pk=job_id))
    return {"state": job.state, "count": job.count}
