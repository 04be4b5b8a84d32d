"""Accounts: the user who signs in and the staff profile HR keeps for them."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from lms.models.org import OrgUnit


class User(AbstractUser):
    """A person who can sign in. `username` holds the employee number."""

    username = models.CharField(
        _("employee number"),
        max_length=32,
        unique=True,
        help_text=_("The employee number from the HR system; staff sign in with it."),
        error_messages={"unique": _("A person with this employee number already exists.")},
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        help_text=_("The interface language this person chose last."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_ci",
                violation_error_message=_("Another person already uses this e-mail address."),
            ),
        ]

    def __str__(self) -> str:
        profile = getattr(self, "profile", None) if self.pk else None
        if profile is not None:
            return f"{profile.full_name} ({self.username})"
        return self.get_full_name() or self.username

    @property
    def employee_number(self) -> str:
        return self.username

    @property
    def display_name(self) -> str:
        profile = getattr(self, "profile", None)
        return profile.full_name if profile else (self.get_full_name() or self.username)


class Position(models.TextChoices):
    COURIER = "courier", _("Courier")
    CUSTOMER_SERVICE = "customer_service", _("Customer-service agent")
    STATION_STAFF = "station_staff", _("Station staff")
    TRAINER = "trainer", _("Trainer")
    HR = "hr", _("HR")
    MANAGER = "manager", _("Manager")


class StaffStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left")


class StaffProfile(models.Model):
    """What HR knows of a member of staff. Leavers are marked, never deleted."""

    user = models.OneToOneField(
        User, on_delete=models.PROTECT, related_name="profile", verbose_name=_("user")
    )
    full_name = models.CharField(_("full name"), max_length=100)
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("org unit"),
    )
    position = models.CharField(_("position"), max_length=32, choices=Position.choices)
    hire_date = models.DateField(_("hire date"))
    status = models.CharField(
        _("status"), max_length=16, choices=StaffStatus.choices, default=StaffStatus.ACTIVE
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    trainer_units = models.ManyToManyField(
        OrgUnit,
        blank=True,
        related_name="trainers",
        verbose_name=_("assigned org units"),
        help_text=_("For trainers: the org units whose staff they follow."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        ordering = ["user__username"]
        indexes = [models.Index(fields=["org_unit", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="active", left_on__isnull=True)
                | models.Q(status="left", left_on__isnull=False),
                name="staffprofile_left_on_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.user.username})"

    @property
    def employee_number(self) -> str:
        return self.user.username
