"""Where jobs queued before the feature packages look for the rendering tasks (see
`assessments.tasks`)."""

from assessments.certificates.tasks import render_certificate, render_certificates

__all__ = ["render_certificate", "render_certificates"]
