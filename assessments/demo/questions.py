"""The demo question bank: the questions of the demo's tests, imported from a GIFT file."""

from pathlib import Path

QUESTIONS = Path(__file__).with_name("questions.gift")


def load_demo_questions(stdout=None) -> int:
    """The demo question bank, written from the manual; loaded once."""
    from assessments.models.bank import Question
    from assessments.questions import services

    if Question.objects.exists():
        if stdout:
            stdout.write(
                f"Demo question bank already loaded: {Question.objects.count()} questions."
            )
        return 0
    made = services.questions_import_file(QUESTIONS.name, QUESTIONS.read_bytes())
    if stdout:
        stdout.write(f"Demo question bank loaded: {len(made)} questions.")
    return len(made)
