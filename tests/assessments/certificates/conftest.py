"""Fixtures of the certificate tests."""

import datetime

import pytest

from assessments.certificates import services as certificate_services
from assessments.models import CertificateKind, CertificateTemplate
from tests.factories import make_cycle


@pytest.fixture
def cycle():
    """The third quarter of 2026, a draft (the modules that issue or print certificates have a
    finalised `cycle` of their own)."""
    return make_cycle("2026年第三季度考核", starts_on=datetime.date(2026, 7, 1))


@pytest.fixture
def templates(db):
    """The active template of each kind (the default ones when their migration made them)."""
    made = {}
    for kind in CertificateKind:
        template = CertificateTemplate.objects.filter(kind=kind, active=True).first()
        if template is None:
            template = CertificateTemplate.objects.create(
                kind=kind, name="测试模板", title_zh="证书", body_zh="兹证明{name}"
            )
        made[kind] = template
    return made


@pytest.fixture
def no_rendering(monkeypatch):
    """The renders the issuing service asks for, kept instead of run (not these tests')."""
    asked: list[int] = []
    monkeypatch.setattr(certificate_services, "_enqueue_rendering", asked.extend)
    return asked
