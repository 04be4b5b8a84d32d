"""The question bank: categories, questions, and the versions attempts are taken on.

A `Question` is what trainers edit. Each save whose content differs from the
last version adds a `QuestionVersion`, an immutable copy of the question as
plain data (`assessments.questions.Question`); an attempt points at the
version it showed, so editing a question never changes a past attempt.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.fields import StreamField
from wagtail.search import index

from assessments.blocks import AnswersBlock
from assessments.questions.data import Choice, MatchPair, NumericAnswer, QuestionType, TextFormat
from assessments.questions.data import Question as QuestionData
from courses.models.pages import ModuleCategory
from lms.platform.search import index_text

HUNDRED = Decimal(100)


class QuestionCategory(models.Model):
    """A folder of the bank: a module at the top, topics below it."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    module = models.CharField(
        _("module"), max_length=16, choices=ModuleCategory.choices, blank=True
    )

    panels = [FieldPanel("name"), FieldPanel("parent"), FieldPanel("module")]

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="question_category_unique_name",
                violation_error_message=_(
                    "This category already has a sub-category of that name."
                ),
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(parent__isnull=True),
                name="question_category_unique_top_name",
                violation_error_message=_("A top-level category of that name exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_path

    @property
    def full_path(self) -> str:
        """The category as GIFT's $CATEGORY: writes it: names joined by "/"."""
        names, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            names.append(node.name)
            node = node.parent
        return "/".join(reversed(names))

    def descendant_ids(self) -> set[int]:
        """This category and every category below it."""
        ids, frontier = {self.pk}, {self.pk}
        while frontier:
            frontier = (
                set(
                    QuestionCategory.objects.filter(parent_id__in=frontier).values_list(
                        "pk", flat=True
                    )
                )
                - ids
            )
            ids |= frontier
        return ids


class TaggedQuestion(TaggedItemBase):
    content_object = ParentalKey(
        "assessments.Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Question(index.Indexed, ClusterableModel):
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    name = models.CharField(
        _("title"), max_length=255, blank=True, help_text=_("For finding it in the bank.")
    )
    idnumber = models.CharField(
        _("ID number"),
        max_length=100,
        blank=True,
        help_text=_(
            "Optional, unique in the category, as in Moodle: a file imported again updates the "
            "question with its ID number instead of adding a copy."
        ),
    )
    text = models.TextField(_("question"))
    text_format = models.CharField(
        _("text format"), max_length=16, choices=[(f.value, f.value) for f in TextFormat],
        default=TextFormat.PLAIN,
    )  # fmt: skip
    answers = StreamField(AnswersBlock(), verbose_name=_("type and answers"))
    general_feedback = models.TextField(
        _("general feedback"), blank=True, help_text=_("Shown after the answer, whatever it was.")
    )
    default_mark = models.DecimalField(
        _("default mark"), max_digits=6, decimal_places=2, default=Decimal(1)
    )
    note = models.TextField(
        _("note for trainers"), blank=True, help_text=_("Never shown to learners.")
    )
    tags = ClusterTaggableManager(through=TaggedQuestion, blank=True, verbose_name=_("tags"))
    qtype = models.CharField(
        _("type"),
        max_length=16,
        choices=[(t.value, t.value) for t in QuestionType],
        editable=False,
    )
    archived = models.BooleanField(
        _("archived"), default=False, help_text=_("Archived questions are not drawn into quizzes.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("category"),
        FieldRowPanel([FieldPanel("name"), FieldPanel("idnumber")]),
        FieldPanel("text"),
        FieldPanel("answers"),
        FieldPanel("general_feedback"),
        FieldRowPanel([FieldPanel("default_mark"), FieldPanel("text_format")]),
        FieldPanel("tags"),
        FieldPanel("note"),
        FieldPanel("archived"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("text"),
        index.SearchField("search_text"),
        index.AutocompleteField("name"),
        index.AutocompleteField("search_text"),
        index.FilterField("category_id"),
        index.FilterField("qtype"),
        index.FilterField("archived"),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category__name", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "idnumber"],
                condition=~models.Q(idnumber=""),
                name="question_unique_idnumber",
                violation_error_message=_("Another question of this category has this ID number."),
            )
        ]

    def __str__(self) -> str:
        return self.name or self.text[:60]

    def save(self, *args, **kwargs):
        if self.answers:
            self.qtype = self.answers[0].block_type
        super().save(*args, **kwargs)

    def search_text(self) -> str:
        return index_text(f"{self.name} {self.text}")

    # Plain data in and out ---------------------------------------------------

    def to_data(self) -> QuestionData:
        block = self.answers[0]
        kind, value = block.block_type, block.value
        common = {
            "text": self.text,
            "name": self.name,
            "text_format": TextFormat(self.text_format),
            "general_feedback": self.general_feedback,
            "category": self.category.full_path if self.category_id else "",
            "tags": tuple(sorted(t.name for t in self.tags.all())),
            "default_mark": Decimal(self.default_mark),
            "comment": self.note,
            "idnumber": self.idnumber,
        }
        if kind in ("single", "multiple", "short"):
            items = value["answers"] if kind == "short" else value["choices"]
            choices = tuple(
                Choice(c["text"], Decimal(c["weight"]) / HUNDRED, c.get("feedback") or "")
                for c in items
            )
            return QuestionData(QuestionType(kind), choices=choices, **common)
        if kind == "truefalse":
            return QuestionData(
                QuestionType.TRUE_FALSE,
                correct=value["correct"] == "true",
                true_feedback=value["true_feedback"],
                false_feedback=value["false_feedback"],
                **common,
            )
        if kind == "numerical":
            numbers = tuple(_number(a) for a in value["answers"])
            return QuestionData(QuestionType.NUMERICAL, numbers=numbers, **common)
        if kind == "matching":
            pairs = tuple(MatchPair(p["prompt"], p["answer"]) for p in value["pairs"])
            return QuestionData(QuestionType.MATCHING, pairs=pairs, **common)
        return QuestionData(QuestionType.ESSAY, **common)

    def set_data(self, data: QuestionData) -> None:
        """Fill the editable fields from plain data (the category and tags are the caller's)."""
        self.text = data.text
        self.name = data.name
        self.text_format = data.text_format
        self.general_feedback = data.general_feedback
        self.default_mark = data.default_mark
        self.note = data.comment
        self.idnumber = data.idnumber
        self.answers = [(data.qtype.value, _block_value(data))]


ANY_NUMBER = (Decimal("-Infinity"), Decimal("Infinity"))


def _number(answer) -> NumericAnswer:
    fraction = Decimal(answer["weight"]) / HUNDRED
    if answer.get("any_number"):
        return NumericAnswer(
            fraction, low=ANY_NUMBER[0], high=ANY_NUMBER[1], feedback=answer["feedback"]
        )
    return NumericAnswer(
        fraction=fraction,
        value=answer["value"],
        tolerance=answer["tolerance"] or Decimal(0),
        low=answer["low"] if answer["value"] is None else None,
        high=answer["high"] if answer["value"] is None else None,
        feedback=answer["feedback"],
    )


def _block_value(data: QuestionData):
    pct = lambda fraction: fraction * HUNDRED  # noqa: E731
    if data.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.SHORT):
        key = "answers" if data.qtype == QuestionType.SHORT else "choices"
        return {
            key: [
                {"text": c.text, "weight": pct(c.fraction), "feedback": c.feedback}
                for c in data.choices
            ]
        }
    if data.qtype == QuestionType.TRUE_FALSE:
        return {
            "correct": "true" if data.correct else "false",
            "true_feedback": data.true_feedback,
            "false_feedback": data.false_feedback,
        }
    if data.qtype == QuestionType.NUMERICAL:
        return {
            "answers": [
                {
                    "value": n.value,
                    "tolerance": n.tolerance if not n.is_range else None,
                    "low": None if (n.low, n.high) == ANY_NUMBER else n.low,
                    "high": None if (n.low, n.high) == ANY_NUMBER else n.high,
                    "any_number": (n.low, n.high) == ANY_NUMBER,
                    "weight": pct(n.fraction),
                    "feedback": n.feedback,
                }
                for n in data.numbers
            ]
        }
    if data.qtype == QuestionType.MATCHING:
        return {"pairs": [{"prompt": p.prompt, "answer": p.answer} for p in data.pairs]}
    return None


class QuestionVersion(models.Model):
    """A question as it was between two edits. Never changed once written."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        ordering = ["question", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="question_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"

    @property
    def content(self) -> QuestionData:
        return QuestionData.from_dict(self.data)
