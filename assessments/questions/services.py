"""Writes of the question bank: a question's versions, imports of whole files. One function per
use case, each transactional."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from assessments.models.bank import Question, QuestionCategory, QuestionVersion
from assessments.questions import files
from assessments.questions.data import Question as QuestionData
from assessments.questions.permissions import may_change_questions
from assessments.questions.problems import Limits, Problem, QuestionImportError

# What a learner sees of a question; a change of anything else (category, tags, the
# trainers' note, the ID number) is not a new version.
_VERSIONED_OUT = ("category", "tags", "comment", "idnumber")


def _content(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in _VERSIONED_OUT}


@transaction.atomic
def question_record_version(*, question: Question, by=None) -> QuestionVersion:
    """The question's current version: a new one if its content changed since the last."""
    data = question.to_data().to_dict()
    latest = question.versions.order_by("-number").first()
    if latest is not None and _content(latest.data) == _content(data):
        return latest
    number = (question.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return QuestionVersion.objects.create(
        question=question, number=number, data=data, created_by=by
    )


def category_for_path(path: str) -> QuestionCategory:
    """The category at `path` ("模块/主题"), created with its parents where missing."""
    names = [n.strip() for n in path.split("/") if n.strip()]
    if not names:
        raise ValueError("empty category path")
    node = None
    for name in names:
        node, _created = QuestionCategory.objects.get_or_create(parent=node, name=name)
    return node


@dataclass
class ImportReport:
    """What an import did, question by question, in the file's order. Iterating gives the
    bank's questions the file is now in (added, updated or unchanged)."""

    questions: list[Question] = field(default_factory=list)
    added: list[Question] = field(default_factory=list)
    updated: list[Question] = field(default_factory=list)
    unchanged: list[Question] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)  # items of the file left out

    def __iter__(self):
        return iter(self.questions)

    def __len__(self) -> int:
        return len(self.questions)

    def __getitem__(self, index):
        return self.questions[index]


def _comparable(data: QuestionData) -> QuestionData:
    """Equal when the bank would hold the same (1.00 and 1 are the same mark)."""
    return replace(data, tags=tuple(sorted(set(data.tags))))


def _match(category: QuestionCategory, data: QuestionData, taken: set[int]) -> Question | None:
    """The question of the bank a file's question is: the one with its ID number in the
    category; failing that, the first with its title (or, untitled, its text) in the category,
    without an ID number when the file gives one, that no earlier question of the file
    took."""
    in_category = Question.objects.filter(category=category).exclude(pk__in=taken)
    if data.idnumber:
        found = in_category.filter(idnumber=data.idnumber).first()
        if found is not None:
            return found
    # Untitled, a question is known by its text (Moodle names it from its text).
    titled = in_category.filter(archived=False, name=data.name)
    if not data.name:
        titled = titled.filter(text=data.text)
    if data.idnumber:  # a question with another ID number is another question
        titled = titled.filter(idnumber="")
    return titled.order_by("pk").first()


def _repeated_idnumber(idnumber: str, category: str) -> Problem:
    return Problem(
        0,
        _(
            "The ID number “%(idnumber)s” is given to more than one question of the "
            "category “%(category)s”; an ID number names one question."
        )
        % {"idnumber": idnumber, "category": category},
    )


def _repeated_idnumbers(questions: list[QuestionData], default_category: str) -> list[Problem]:
    counts = Counter(
        (data.category or default_category, data.idnumber) for data in questions if data.idnumber
    )
    return [
        _repeated_idnumber(idnumber, category)
        for (category, idnumber), count in counts.items()
        if count > 1
    ]


@transaction.atomic
def questions_import(
    questions: list[QuestionData], *, default_category: str = "", by=None
) -> ImportReport:
    """Put the questions of a checked file in the bank, all or none.

    A question the bank already has (the same ID number in the category, or else the same
    title there) is updated, with a new version if what learners see changed, or left as it
    is; the others are added. Importing the same file twice changes nothing the second time.
    Updating takes the permission to change questions, when `by` is given.
    """
    problems = _repeated_idnumbers(questions, default_category)
    if problems:
        raise QuestionImportError(problems)
    report = ImportReport()
    categories: dict[str, QuestionCategory] = {}  # a file repeats its few categories
    taken: set[int] = set()
    for data in questions:
        path = data.category or default_category
        if path not in categories:
            categories[path] = category_for_path(path)
        category = categories[path]
        question = _match(category, data, taken)
        if question is None:
            question = Question(category=category)
            kind = report.added
        else:
            if not data.idnumber and question.idnumber:  # matched by title: keep its ID number
                data = replace(data, idnumber=question.idnumber)
            current = _comparable(question.to_data())
            kind = (
                report.unchanged
                if current == _comparable(replace(data, category=category.full_path))
                else report.updated
            )
        if kind is not report.unchanged:
            others = Question.objects.filter(category=category).exclude(pk=question.pk)
            if data.idnumber and others.filter(idnumber=data.idnumber).exists():
                # a question matched by its title holds the ID number another one brings
                raise QuestionImportError([_repeated_idnumber(data.idnumber, category.full_path)])
            question.set_data(data)
            question.save()
            question.tags.set(list(data.tags))
            question.save()
            question_record_version(question=question, by=by)
        taken.add(question.pk)
        kind.append(question)
        report.questions.append(question)
    if report.updated and by is not None and not may_change_questions(by):
        raise QuestionImportError(  # and the transaction writes nothing
            [
                Problem(
                    0,
                    _(
                        "The file changes %(count)d questions the bank already has, and you "
                        "may add questions but not change them. Nothing was imported."
                    )
                    % {"count": len(report.updated)},
                )
            ]
        )
    return report


def import_limits() -> Limits:
    """How much one question file may hold, as the settings say."""
    return Limits(
        questions=settings.LMS_QUESTION_IMPORT_MAX_ROWS,
        chars=settings.LMS_QUESTION_IMPORT_MAX_CHARS,
    )


def questions_import_file(
    filename: str, data: bytes, *, default_category: str = "", by=None
) -> ImportReport:
    """Check a whole file, then import all of it; QuestionImportError and nothing written."""
    parsed = files.read_file(filename, data, limits=import_limits())
    fallback = default_category or _("Uncategorised")
    report = questions_import(parsed.questions, default_category=fallback, by=by)
    report.skipped = parsed.skipped
    return report
