"""Background tasks of certificates (django-tasks): rendering each PDF once, after it is
issued, telling the holders, and joining a print job's PDFs.

All are safe to run again after their worker was lost (`lms.platform.jobs`): a certificate is
rendered once (its PDF recorded only if it has none, so a second run skips it), a holder is
told once, and a print job's joined PDF is made again from the stored certificates."""

from django_tasks import task

from lms.platform.jobs import job_kind

RENDERING_WHY = (
    "a certificate already rendered is skipped, and a PDF is recorded only on a certificate "
    "that has none: a second run renders only those still without one"
)


def _print_given_up(args: list, kwargs: dict, reason: str) -> None:
    from assessments.certificates.printing import print_job_given_up

    print_job_given_up(args[0] if args else kwargs["job_id"], reason)


@job_kind(
    label="Certificates: render the PDFs of newly issued certificates",
    rerun_safe=True,
    why=RENDERING_WHY,
)
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


@job_kind(
    label="Certificates: render one certificate's PDF (queued before render_certificates)",
    rerun_safe=True,
    why=RENDERING_WHY,
)
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


@job_kind(
    label="Certificates: join a print job's PDFs into one",
    rerun_safe=True,
    why="makes the joined PDF again from the stored certificates and replaces the job's file",
    given_up=_print_given_up,
)
@task()
def print_certificates(job_id: int) -> dict:
    """Join a print job's certificates into one PDF, its progress in the cache for the page."""
    from assessments.certificates.printing import print_job_run
    from assessments.models.printing import PrintJob

    job = print_job_run(PrintJob.objects.get(pk=job_id))
    return {"state": job.state, "count": job.count}


@job_kind(
    label="Certificates: tell the holders of newly issued certificates",
    rerun_safe=True,
    why="each holder is told of a certificate once (the notification's key): a second run "
    "tells only those the first did not reach",
)
@task()
def tell_holders(certificate_ids: list[int]) -> dict:
    """Tell each holder of the certificates just issued about theirs (queued by the issuing,
    once it commits)."""
    from assessments.certificates.notices import certificates_issued_tell

    return {"told": certificates_issued_tell(certificate_ids)}
