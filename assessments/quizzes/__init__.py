"""Quizzes: attempts taken on a phone, grading, item analysis and the trainers' pages."""
