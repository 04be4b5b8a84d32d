"""The question bank: questions and their versions, GIFT and spreadsheet files in and out."""

# Migration 0001 names `assessments.questions.TextFormat`, from before the bank was a package.
from assessments.questions.data import TextFormat

__all__ = ["TextFormat"]
