from assessments.models.bank import Question, QuestionCategory, QuestionVersion, TaggedQuestion
from assessments.models.quizzes import (
    Attempt,
    AttemptItem,
    AttemptState,
    QuizPage,
    QuizSlot,
    ReviewPolicy,
)

__all__ = [
    "Attempt",
    "AttemptItem",
    "AttemptState",
    "Question",
    "QuestionCategory",
    "QuestionVersion",
    "QuizPage",
    "QuizSlot",
    "ReviewPolicy",
    "TaggedQuestion",
]
