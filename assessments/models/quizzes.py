"""Quizzes and attempts.

A `QuizPage` is a module test inside a course or an exam on its own; its
`QuizSlot`s say which questions it draws (fixed ones, or N at random from a
category). An `Attempt` is one sitting of one learner: its `AttemptItem`s are
the questions drawn for it, each pinned to the question version shown, with
the order of its options, the saved response and, once graded, the score.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from assessments.models.bank import Question, QuestionCategory, QuestionVersion
from lms.platform.pages import FeatureContextMixin


class ReviewPolicy(models.TextChoices):
    IMMEDIATELY = "immediately", _("Straight after submitting")
    AFTER_CLOSE = "after_close", _("After the quiz closes")
    NEVER = "never", _("Never")


class QuizPage(FeatureContextMixin, Page):
    """A quiz or an exam, under its course; what a learner sees of their attempts on it is
    `assessments.quizzes.views.quiz_page_context`."""

    intro = RichTextField(_("introduction"), blank=True)
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True, help_text=_("Empty: no time limit.")
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=0, help_text=_("0: as many as the learner wants.")
    )
    wait_minutes = models.PositiveIntegerField(_("wait between attempts (minutes)"), default=0)
    pass_percent = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(60),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    review = models.CharField(
        _("show answers and feedback"),
        max_length=16,
        choices=ReviewPolicy.choices,
        default=ReviewPolicy.IMMEDIATELY,
    )
    shuffle_questions = models.BooleanField(_("shuffle the questions"), default=False)
    shuffle_choices = models.BooleanField(_("shuffle the answers of each question"), default=True)
    required_for_completion = models.BooleanField(
        _("required to complete the course"),
        default=True,
        help_text=_("A module test that must be passed before its course counts as complete."),
    )
    counts_toward_assessment = models.BooleanField(
        _("counts toward the five-part assessment"), default=True
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel("slots", label=_("Questions"), min_num=1),
    ]
    settings_panels = Page.settings_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("pass_percent")]),
                FieldRowPanel([FieldPanel("attempts_allowed"), FieldPanel("wait_minutes")]),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldPanel("review"),
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_choices")]),
                FieldPanel("required_for_completion"),
                FieldPanel("counts_toward_assessment"),
            ],
            heading=_("Quiz rules"),
        )
    ]
    parent_page_types = ["courses.CoursePage", "courses.CourseIndexPage"]
    subpage_types: list[str] = []
    template = "assessments/quiz_page.html"

    class Meta:
        verbose_name = _("quiz")

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("A quiz must close after it opens.")})


class QuizSlot(Orderable):
    """One place in a quiz: a fixed question, or N questions drawn from a category."""

    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("or random questions from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    include_subcategories = models.BooleanField(_("and its sub-categories"), default=True)
    count = models.PositiveSmallIntegerField(_("how many"), default=1)
    mark = models.DecimalField(
        _("mark per question"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the question's default mark."),
    )

    panels = [
        FieldPanel("question"),
        FieldRowPanel([FieldPanel("category"), FieldPanel("count")]),
        FieldPanel("include_subcategories"),
        FieldPanel("mark"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("quiz question")
        constraints = [
            models.CheckConstraint(
                condition=Q(question__isnull=False, category__isnull=True)
                | Q(question__isnull=True, category__isnull=False),
                name="quiz_slot_question_or_category",
                violation_error_message=_("Choose a question, or a category to draw from."),
            )
        ]

    def clean(self):
        super().clean()
        if bool(self.question_id) == bool(self.category_id):
            raise ValidationError(_("Choose a question, or a category to draw from."))


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", pgettext_lazy("attempt state", "In progress")
    NEEDS_GRADING = "needs_grading", _("Waiting for grading")
    GRADED = "graded", _("Graded")


class Attempt(models.Model):
    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    state = models.CharField(
        _("state"), max_length=16, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    auto_submitted = models.BooleanField(_("submitted at the deadline"), default=False)
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal(0))
    percent = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["quiz", "user", "number"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user", "number"], name="attempt_number_once"),
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=Q(state="in_progress"),
                name="attempt_one_open_per_quiz",
            ),
        ]
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self) -> str:
        return f"{self.quiz_id}/{self.user_id}#{self.number}"


class AttemptItem(models.Model):
    """One question of one attempt, as it was shown, answered and graded."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    mark = models.DecimalField(max_digits=6, decimal_places=2)
    # The order the options were shown in: indexes into the version's choices (or, for
    # matching, into its answers).
    option_order = models.JSONField(default=list)
    response = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=16, blank=True)
    fraction = models.DecimalField(max_digits=8, decimal_places=7, null=True, blank=True)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    grader_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attempt_item_position")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.position}"
