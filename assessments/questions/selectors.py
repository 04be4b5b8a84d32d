"""Reads of the question bank."""

from __future__ import annotations

from assessments.models.bank import Question, QuestionCategory


def questions_in(category: QuestionCategory | None = None):
    """The bank's questions (not archived), in a category and below it if given."""
    questions = Question.objects.filter(archived=False).select_related("category")
    if category is not None:
        questions = questions.filter(category_id__in=category.descendant_ids())
    return questions.prefetch_related("tags").order_by("category_id", "pk")


def find_category(path: str) -> QuestionCategory | None:
    node = None
    for name in [n.strip() for n in path.split("/") if n.strip()]:
        node = QuestionCategory.objects.filter(parent=node, name=name).first()
        if node is None:
            return None
    return node
