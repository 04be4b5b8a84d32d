"""Operational data brought in from other systems, and the imports that brought it.

Each record has a natural key (a reference, or a person and a period) held by a
unique constraint, so that importing the same file again changes nothing and a
corrected file updates the rows it corrects. Records belong to a person's account
and keep the import that last wrote them.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lms.platform.files import private_storage, unguessable_name


class ImportKind(models.TextChoices):
    ROSTER = "roster", _("Staff roster")
    SURVEYS = "surveys", _("Customer-satisfaction surveys")
    COMPLAINTS = "complaints", _("Complaints")
    EFFICIENCY = "efficiency", _("Efficiency metrics")
    TEAMWORK = "teamwork", _("Teamwork evaluations")


class ImportState(models.TextChoices):
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Ready to import")
    REJECTED = "rejected", _("Has errors")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ImportSource(models.TextChoices):
    """How the data came: a file HR uploaded (or the command line), or the API."""

    FILE = "file", _("File")
    API = "api", "API"


_private_storage = private_storage  # the name migration assessments/0005 imports


def _upload_to(batch, filename: str) -> str:
    """A name nobody can guess; the file's own name is kept on the batch."""
    return unguessable_name("imports", filename)


class ImportBatch(models.Model):
    """One file, checked and (once confirmed) imported; the import history."""

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    file = models.FileField(
        _("file"), upload_to=_upload_to, storage=private_storage, max_length=200
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    source = models.CharField(
        _("source"), max_length=8, choices=ImportSource.choices, default=ImportSource.FILE
    )
    full_roster = models.BooleanField(
        _("full roster"),
        default=False,
        help_text=_("Everyone missing from the file is marked as having left."),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ImportState.choices, default=ImportState.CHECKING
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    # Progress of the step running now (checking or importing): rows read so far.
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("new"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    left = models.PositiveIntegerField(_("marked as left"), default=0)
    # The first problems found (Problem.to_json()), and how many there were in all.
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0)
    failure = models.TextField(_("failure"), blank=True)
    # The background task of the step queued last (checking or importing): the batch is
    # "checking" or "importing" only while that task waits or runs (lms.platform.jobs).
    task_id = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"

    @property
    def percent_done(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class _Imported(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE
    )
    # The import that last wrote the row. Not a constraint in the database: checking it for
    # every row of a million-row import took a third of the import's time, for a key the
    # import itself sets (deleting an import still clears it, through the ORM).
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        abstract = True


def _person_keyed():
    """The person of a record whose natural key starts with the person: that key's index
    finds a person's rows, so a second index would only slow every import down."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        db_index=False,
    )


class SurveySource(models.TextChoices):
    """The manual's four ways of asking customers (5.1), in its own words: the import's."""

    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    PHONE = "phone", _("Phone interview")
    ONLINE = "online", _("Online survey")
    MYSTERY_SHOPPER = "mystery_shopper", _("Mystery shopping")


class SurveyScale(models.TextChoices):
    FIVE = "1-5", _("1 to 5")
    TEN = "0-10", _("0 to 10")
    PERCENT = "percent", _("Percent")


class SurveyResult(_Imported):
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    date = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=16, choices=SurveySource.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    scale = models.CharField(_("scale"), max_length=8, choices=SurveyScale.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("survey result")
        verbose_name_plural = _("survey results")
        indexes = [models.Index(fields=["user", "date"])]
        constraints = [models.CheckConstraint(condition=Q(score__gte=0), name="survey_score_0")]

    def __str__(self) -> str:
        return self.reference


class ComplaintCategory(models.TextChoices):
    SERVICE = "service", _("Service")
    TRANSPORT = "transport", _("Transport")
    INFORMATION = "information", _("Information")
    OTHER = "other", pgettext_lazy("complaint category", "Other")


class Complaint(_Imported):
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    received_at = models.DateTimeField(_("received"))
    category = models.CharField(_("category"), max_length=16, choices=ComplaintCategory.choices)
    company_at_fault = models.BooleanField(_("company at fault"))
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    # Who handled it (投诉处理人员, manual 4.3.1): the 24-hour reply is theirs. None: nobody
    # recorded, and the reply time is charged to nobody (the person complained about is
    # told so). Indexed with the time below, for a cycle's lookups.
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["user", "received_at"]),
            models.Index(fields=["handler", "received_at"], name="complaint_handler_received"),
        ]

    def __str__(self) -> str:
        return self.reference


# The efficiency measures, each a (total, on time) pair of columns (manual 3.1), and
# accuracy (items handled, errors). Exceptions have two halves (3.1.5): the customer
# contacted within 2 hours, and a solution offered within 2 hours.
EFFICIENCY_PAIRS = (
    ("pickups", "pickups_on_time"),
    ("deliveries", "deliveries_on_time"),
    ("queries", "queries_on_time"),
    ("exceptions", "exceptions_on_time"),
    ("exceptions", "exceptions_solved"),
    ("items_handled", "errors"),
)
EFFICIENCY_FIELDS = tuple(dict.fromkeys(name for pair in EFFICIENCY_PAIRS for name in pair))


def _count(label):
    return models.PositiveIntegerField(label, null=True, blank=True)


class EfficiencyRecord(_Imported):
    """One person's counts over one period. Empty: not measured for this person."""

    user = _person_keyed()
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    pickups = _count(_("pick-ups"))
    pickups_on_time = _count(_("pick-ups within 2 hours"))
    deliveries = _count(_("deliveries"))
    deliveries_on_time = _count(_("deliveries within 24 hours"))
    queries = _count(_("customer queries"))
    queries_on_time = _count(_("queries answered within 5 minutes"))
    exceptions = _count(_("exceptions"))
    exceptions_on_time = _count(_("exceptions contacted within 2 hours"))
    exceptions_solved = _count(_("exceptions offered a solution within 2 hours"))
    items_handled = _count(_("items handled"))
    errors = _count(_("errors"))

    class Meta:
        verbose_name = _("efficiency record")
        verbose_name_plural = _("efficiency records")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period_start", "period_end"], name="efficiency_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="efficiency_period_order"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{part}__lte": F(total)}) | Q(**{f"{part}__isnull": True}),
                    name=f"efficiency_{part}_within_total",
                )
                for total, part in EFFICIENCY_PAIRS
            ),
        ]
        # Periods by their start (a cycle's window). Not (start, end): the two are so
        # correlated that PostgreSQL's planner took that index over the natural key's for
        # an import's lookups, scanning a day's rows for each one.
        indexes = [models.Index(fields=["period_start"], name="efficiency_period_start")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.period_start}..{self.period_end}"


class TeamworkSource(models.TextChoices):
    TEAM_PROJECT = "team_project", _("Team project")
    COMMUNICATION_CASE = "communication_case", _("Communication case")


class TeamworkEvaluation(_Imported):
    user = _person_keyed()
    date = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=24, choices=TeamworkSource.choices)
    evaluator = models.CharField(_("evaluator"), max_length=100)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    max_score = models.DecimalField(_("out of"), max_digits=7, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("teamwork evaluation")
        verbose_name_plural = _("teamwork evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "date", "source", "evaluator"], name="teamwork_once"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, max_score__gt=0, score__lte=F("max_score")),
                name="teamwork_score_within_max",
            ),
        ]
        indexes = [models.Index(fields=["user", "date"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.date} {self.source} {self.evaluator}"
