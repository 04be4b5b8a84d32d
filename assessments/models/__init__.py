from assessments.models.bank import Question, QuestionCategory, QuestionVersion, TaggedQuestion

__all__ = ["Question", "QuestionCategory", "QuestionVersion", "TaggedQuestion"]
