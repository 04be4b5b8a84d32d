"""Background rendering of certificates (django-tasks): each PDF once, after it is issued.

Enqueued by the issuing services once their transaction has committed
(`assessments.certificates`), `certificate_pdf.RENDER_BATCH` certificates a task (laid out
together); with the database backend, every worker takes its share.
"""

from django_tasks import task


@task()
def render_certificates(certificate_ids: list[int]) -> dict:
    """Render the certificates' PDFs and store them (those already rendered, or deleted,
    are left as they are)."""
    from assessments.certificate_pdf import certificates_render
    from assessments.models import Certificate

    found = Certificate.objects.select_related("template").filter(pk__in=certificate_ids)
    certificates = sorted(found, key=lambda c: c.pk)
    waiting = sum(c.rendered_at is None for c in certificates)
    certificates_render(certificates)
    return {"rendered": waiting, "missing": len(set(certificate_ids)) - len(certificates)}


@task()
def render_certificate(certificate_id: int) -> dict:
    """Render one certificate's PDF and store it (nothing happens if it already has one).
    Kept for the tasks queued one certificate each before `render_certificates`."""
    from assessments.certificate_pdf import certificate_render
    from assessments.models import Certificate

    certificate = Certificate.objects.select_related("template").filter(pk=certificate_id).first()
    if certificate is None:
        return {"rendered": False, "missing": True}
    already = certificate.rendered_at is not None
    certificate = certificate_render(certificate)
    return {"rendered": not already, "sha256": certificate.sha256}
