"""Integration tokens: how another system (HR's) calls the API, with the scopes it was given."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TokenScope(models.TextChoices):
    """What a token may do; each endpoint of the API needs one."""

    ROSTER_WRITE = "roster:write", _("Sync the staff roster")
    METRICS_WRITE = "metrics:write", _("Push surveys, complaints, efficiency and teamwork")
    RESULTS_READ = "results:read", _("Read the results of finalised cycles")
    CERTIFICATES_READ = "certificates:read", _("Read certificates")


class IntegrationToken(models.Model):
    """A bearer token for the API, kept as a public prefix (to find it) and the SHA-256 of its
    secret (to check it): the secret itself is shown once, when it is made, and never stored.

    A token acts with the authority of the administrator who created it, while that person is
    an active administrator (lms.integrations.services.token_authenticate)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_sha256 = models.CharField(max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("secret renewed"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("integration token")
        verbose_name_plural = _("integration tokens")
        ordering = ["revoked_at", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def scope_labels(self) -> list[str]:
        labels = dict(TokenScope.choices)
        return [str(labels.get(scope, scope)) for scope in self.scopes]
