"""Demo content of the assessments app, loaded by `manage.py seed_demo`.

The question bank first, then the quizzes and attempts (`quizzes`), which need the
bank and the demo training of the courses app.
"""

from pathlib import Path

QUESTIONS = Path(__file__).with_name("questions.gift")


def load_demo_questions(stdout=None) -> int:
    """The demo question bank, written from the manual; loaded once."""
    from assessments import services
    from assessments.models import Question

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


def load_demo_quizzes(stdout=None) -> int:
    """A test in each demo course, the end-of-onboarding exam and the learners' attempts.

    Loaded once. The attempts follow the learners' progress in the demo training, so
    that is loaded first if the courses app's receiver of `demo_seeded` has not run
    yet (it runs first, `courses` coming before `assessments` in INSTALLED_APPS; this
    keeps the result the same should that order change).
    """
    from assessments.demo.quizzes import load_demo_quizzes as load
    from courses.demo import load_demo_courses
    from courses.models import TrainingHomePage

    if not TrainingHomePage.objects.exists():
        load_demo_courses(stdout=stdout)
    return load(stdout=stdout)
