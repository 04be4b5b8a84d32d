"""Writes of the question bank: a question's versions, imports of whole files. One function per
use case, each transactional."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from assessments.models.bank import Question, QuestionCategory, QuestionVersion
from assessments.questions import files
from assessments.questions.data import Question as QuestionData

# What a learner sees of a question; a change of anything else (category, tags, the
# trainers' note) is not a new version.
_VERSIONED_OUT = ("category", "tags", "comment")


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


@transaction.atomic
def questions_import(
    questions: list[QuestionData], *, default_category: str = "", by=None
) -> list[Question]:
    """Add the questions of a checked file to the bank, all or none."""
    made = []
    categories: dict[str, QuestionCategory] = {}  # a file repeats its few categories
    for data in questions:
        path = data.category or default_category
        if path not in categories:
            categories[path] = category_for_path(path)
        category = categories[path]
        question = Question(category=category)
        question.set_data(data)
        question.save()
        if data.tags:
            question.tags.set(list(data.tags))
            question.save()
        question_record_version(question=question, by=by)
        made.append(question)
    return made


def questions_import_file(
    filename: str, data: bytes, *, default_category: str = "", by=None
) -> list[Question]:
    """Check a whole file, then import all of it; QuestionImportError and nothing written."""
    from django.utils.translation import gettext as _

    questions = files.read(filename, data)
    fallback = default_category or _("Uncategorised")
    return questions_import(questions, default_category=fallback, by=by)
