"""Background rendering of certificates (django-tasks): each PDF once, after it is issued.

Enqueued by the issuing services once their transaction has committed
(`assessments.certificates`); with the database backend, every worker takes its share.
"""

from django_tasks import task


@task()
def render_certificate(certificate_id: int) -> dict:
    """Render one certificate's PDF and store it (nothing happens if it already has one)."""
    from assessments.certificate_pdf import certificate_render
    from assessments.models import Certificate

    certificate = Certificate.objects.select_related("template").filter(pk=certificate_id).first()
    if certificate is None:
        return {"rendered": False, "missing": True}
    already = certificate.rendered_at is not None
    certificate = certificate_render(certificate)
    return {"rendered": not already, "sha256": certificate.sha256}
