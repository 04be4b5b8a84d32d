"""Who may write, import, export and regrade the question bank: the bank is shared by every
trainer, so these are Django's model permissions on questions, which the roles' migration
gives (trainers, HR and administrators add and change questions; everyone who may see the
bank in the admin exports it)."""

from __future__ import annotations


def may_import_questions(user) -> bool:
    """Importing a file adds questions: the permission to add them."""
    return user.has_perm("assessments.add_question")


def may_export_questions(user) -> bool:
    return user.has_perm("assessments.view_question")


def may_change_questions(user) -> bool:
    """Changing a question, and regrading the past attempts that answered it."""
    return user.has_perm("assessments.change_question")
