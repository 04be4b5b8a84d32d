"""Live training (manual 6.2.1, 6.2.3, 6.2.4): drills, scheduled sessions, sign-ups,
attendance and drill evaluations.

- A `DrillPage` is written by a trainer and published through the review workflow; each
  time it is published with a changed rubric, a `RubricVersion` keeps that rubric for good.
- A `TrainingSession` is a classroom training, a sharing session or a drill session, at a
  time and place, with a trainer, a capacity and an audience: the staff of some units, or
  everyone (`audience_everyone`, a choice of its own: no units never means everyone), narrowed
  by positions. A drill session scores on the rubric version that was current when it was
  scheduled.
- A `SignUp` is one person's place in a session: confirmed, on the waiting list (in order of
  signing up) or cancelled; then present or absent.
- A `DrillEvaluation` is one participant's scores on the session's rubric version.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.drills.blocks import RoleBlock, RubricBlock
from courses.drills.permissions import DrillIndexPermissionTester, DrillPermissionTester
from courses.drills.rubrics import Criterion, Level, Rubric
from courses.models.pages import CoursePage, ModuleCategory, PositionsField
from lms.models.org import OrgUnit
from lms.platform import search
from lms.platform.files import private_storage, unguessable_name
from lms.platform.pages import FeatureContextMixin


class DrillIndexPage(Page):
    """Where the drills live: one per site, under the training home."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["courses.TrainingHomePage"]
    subpage_types = ["courses.DrillPage"]
    template = "courses/drill_index_page.html"

    class Meta:
        verbose_name = _("drill index")

    def permissions_for_user(self, user):
        """A trainer writes a new drill here and submits it for review; publishing it
        straight from the create form is for those who approve drills."""
        return DrillIndexPermissionTester(user, self)


class DrillFeeds(models.TextChoices):
    """Which part of the assessment a drill's scores feed (manual 6.3.4): teamwork and
    communication, or none (a fire-alarm drill tests safety, not teamwork)."""

    MODULE = "", _("As its module says (teamwork and communication: teamwork; others: none)")
    TEAMWORK = "teamwork", _("Teamwork and communication")
    NONE = "none", _("No part of the assessment")


class DrillPage(FeatureContextMixin, Page):
    """A practical drill (manual 6.2.4): a scenario played out, scored on a rubric; its page
    lists the sessions that play it (`courses.sessions.views.drill_page_context`)."""

    module = models.CharField(_("module"), max_length=16, choices=ModuleCategory.choices)
    scenario = RichTextField(
        _("scenario"), help_text=_("What happens, as the participants are told it.")
    )
    objectives = models.TextField(_("objectives"), help_text=_("One per line."))
    roles = StreamField([("role", RoleBlock())], verbose_name=_("roles"), blank=True)
    steps = models.TextField(_("steps"), help_text=_("One per line, in order."))
    materials = models.TextField(_("materials"), blank=True, help_text=_("One per line."))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    target_positions = PositionsField(
        _("target positions"),
        default=list,
        blank=True,
        help_text=_("Who the drill is for. Leave empty for everyone."),
    )
    rubric = StreamField(RubricBlock(), verbose_name=_("rubric"))
    feeds_part = models.CharField(
        _("scores count toward"),
        max_length=16,
        choices=DrillFeeds.choices,
        default=DrillFeeds.MODULE,
        blank=True,
        help_text=_(
            "The part of the five-part assessment its scores count toward. Only drills "
            "counting toward teamwork count there."
        ),
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("module"), FieldPanel("duration_minutes")]),
        FieldPanel("feeds_part"),
        FieldPanel("target_positions"),
        FieldPanel("scenario"),
        FieldPanel("objectives"),
        FieldPanel("roles"),
        FieldPanel("steps"),
        FieldPanel("materials"),
        MultiFieldPanel([FieldPanel("rubric")], heading=_("Scoring rubric")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("search_text"),
        index.AutocompleteField("search_text"),
        index.FilterField("module"),
    ]
    parent_page_types = ["courses.DrillIndexPage"]
    subpage_types: list[str] = []
    template = "courses/drill_page.html"

    class Meta:
        verbose_name = _("drill")

    def search_text(self) -> str:
        return search.index_text(f"{self.title} {self.objectives} {self.steps}")

    def permissions_for_user(self, user):
        """Drills are published by a lead trainer approving them in the review workflow:
        a trainer can write and submit one, not publish it."""
        return DrillPermissionTester(user, self)

    @property
    def feeds(self) -> str:
        """The part its scores feed: "teamwork" or "none" (`feeds_part`, or its module's)."""
        if self.feeds_part:
            return str(self.feeds_part)
        teamwork = self.module == ModuleCategory.TEAMWORK
        return (DrillFeeds.TEAMWORK if teamwork else DrillFeeds.NONE).value

    @property
    def objective_list(self) -> list[str]:
        return _lines(self.objectives)

    @property
    def step_list(self) -> list[str]:
        return _lines(self.steps)

    @property
    def material_list(self) -> list[str]:
        return _lines(self.materials)

    def rubric_data(self) -> Rubric:
        """The rubric as written now (criterion keys are the blocks' ids)."""
        return Rubric(
            tuple(
                Criterion(
                    key=str(block.id),
                    name=block.value["name"],
                    description=block.value["description"] or "",
                    weight=block.value["weight"],
                    levels=tuple(
                        Level(level["label"], level["descriptor"], level["points"])
                        for level in block.value["levels"]
                    ),
                )
                for block in self.rubric
            )
        )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class RubricVersion(models.Model):
    """A drill's rubric as it was published: never changed, so past scores keep meaning."""

    drill = models.ForeignKey(
        DrillPage,
        verbose_name=_("drill"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="rubric_versions",
    )
    drill_title = models.CharField(_("drill title"), max_length=255)
    number = models.PositiveIntegerField(_("version"))
    criteria = models.JSONField(_("criteria"))
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rubric version")
        constraints = [
            models.UniqueConstraint(fields=["drill", "number"], name="rubric_version_number")
        ]
        ordering = ["drill_id", "-number"]

    def __str__(self) -> str:
        return f"{self.drill_title} v{self.number}"

    @property
    def rubric(self) -> Rubric:
        return Rubric.from_json(self.criteria)


class SessionKind(models.TextChoices):
    """The manual's three live training methods (6.2.1, 6.2.3, 6.2.4)."""

    CLASSROOM = "classroom", _("Classroom training")
    SHARING = "sharing", _("Experience-sharing session")
    DRILL = "drill", _("Drill session")


class SessionState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class TrainingSession(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=SessionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    drill = models.ForeignKey(
        DrillPage,
        verbose_name=_("drill"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    rubric_version = models.ForeignKey(
        RubricVersion,
        verbose_name=_("rubric version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
        help_text=_("Attending counts toward this course."),
    )
    required_for_course = models.BooleanField(
        _("required to complete the course"),
        default=False,
        help_text=_("The course is complete only after attending a session like this one."),
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        on_delete=models.PROTECT,
        related_name="sessions_led",
    )
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    audience_units = models.ManyToManyField(
        OrgUnit,
        verbose_name=_("for the staff of"),
        blank=True,
        related_name="+",
        help_text=_("And the units below them."),
    )
    audience_everyone = models.BooleanField(
        _("for everyone"),
        default=False,
        help_text=_("Open to all the staff, whatever their unit. Units must then be left empty."),
    )
    audience_positions = PositionsField(
        _("for the positions"), default=list, blank=True, help_text=_("Empty: every position.")
    )
    state = models.CharField(
        _("state"), max_length=16, choices=SessionState.choices, default=SessionState.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        null=True,
        blank=True,  # kept when the person is deleted: a session then changes without one
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="session_capacity"),
            models.CheckConstraint(
                condition=~Q(kind="drill") | Q(drill__isnull=False, rubric_version__isnull=False),
                name="drill_session_has_rubric",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SignUpStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Attendance(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")


class CheckInMethod(models.TextChoices):
    LIST = "list", _("Ticked by the trainer")
    QR = "qr", _("Scanned the room's code")


class SignUp(models.Model):
    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="signups",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="session_signups",
    )
    status = models.CharField(_("status"), max_length=16, choices=SignUpStatus.choices)
    queued_at = models.DateTimeField(_("signed up at"))  # the waiting list's order
    attendance = models.CharField(
        _("attendance"), max_length=16, choices=Attendance.choices, blank=True, default=""
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    check_in_method = models.CharField(
        _("checked in by"), max_length=8, choices=CheckInMethod.choices, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sign-up")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_signup_per_session")
        ]
        indexes = [models.Index(fields=["session", "status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.session}"


_private_storage = private_storage  # the name migration courses/0002 imports


def _evidence_name(evaluation, filename: str) -> str:
    """A name nobody can guess; the file's own name is kept beside it."""
    return unguessable_name("drill-evidence", filename)


class DrillEvaluation(models.Model):
    """One participant's scores in one drill session, criterion by criterion."""

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="drill_evaluations",
    )
    rubric_version = models.ForeignKey(
        RubricVersion, verbose_name=_("rubric version"), on_delete=models.PROTECT
    )
    points = models.JSONField(_("points per criterion"), default=dict)
    notes = models.JSONField(_("comments per criterion"), default=dict)
    comment = models.TextField(_("comment"), blank=True)
    percent = models.DecimalField(
        _("score (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )  # set when every criterion is scored
    evidence = models.FileField(
        _("evidence"),
        storage=private_storage,
        upload_to=_evidence_name,
        max_length=200,
        blank=True,
        help_text=_("A photo or a file; only the participant, trainers and HR can open it."),
    )
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scored by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scored_at = models.DateTimeField(_("scored at"), auto_now=True)

    class Meta:
        verbose_name = _("drill evaluation")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_evaluation_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.session}"
