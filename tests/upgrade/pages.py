"""Open the demo's pages as each of its people, on the database the settings name, and print
each address with its status as JSON lines (run by tests/upgrade/test_existing_site.py in a
process of its own: `python -m tests.upgrade.pages`)."""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.upgrade.settings")
django.setup()

from django.test import Client  # noqa: E402

from assessments.models.certificates import Certificate  # noqa: E402
from assessments.models.cycles import AssessmentCycle, CycleState  # noqa: E402
from assessments.models.quizzes import QuizPage  # noqa: E402
from courses.models.pages import CourseIndexPage, CoursePage, LessonPage  # noqa: E402
from lms.models.accounts import User  # noqa: E402


def addresses() -> dict[str, list[str]]:
    """What each of the demo's people opens, from the records the demo made."""
    lesson = LessonPage.objects.live().order_by("path").first()
    course = CoursePage.objects.live().order_by("path").first()
    catalogue = CourseIndexPage.objects.live().first()
    quiz = QuizPage.objects.live().order_by("path").first()
    finalised = AssessmentCycle.objects.get(state=CycleState.FINALISED)
    certificate = Certificate.objects.filter(user__username="E1001", revoked_at=None).first()
    return {
        "": ["/", "/verify/", f"/verify/{certificate.code}/"],
        "E1001": [
            "/",
            lesson.url,
            course.url,
            quiz.url,
            "/learning/",
            catalogue.url,
            "/learning/sessions/",
            "/learning/sessions/mine/",
            "/learning/drills/results/",
            "/assessment/mine/",
            "/certificates/",
            f"/certificates/{certificate.pk}/download/",
            "/account/",
            "/account/access/",
            "/account/my-data.zip",
        ],
        "T0001": [
            "/learning/sessions/run/",
            "/learning/quizzes/",
            "/learning/grading/",
            "/learning/reports/",
            "/learning/assignments/",
            "/assessment/cycles/",
            f"/assessment/cycles/{finalised.pk}/dashboard/",
            "/staff/",
        ],
        "H0001": [
            "/data/imports/",
            "/assessment/policy/",
            f"/assessment/cycles/{finalised.pk}/",
            "/assessment/appeals/",
            "/assessment/certificates/",
            "/assessment/certificates/print/",
            "/staff/E1001/",
            "/org/",
            "/audit/",
        ],
        "A0001": ["/cms/", "/cms/pages/", "/cms/snippets/assessments/question/"],
    }


def main() -> None:
    for username, paths in addresses().items():
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        for path in paths:
            response = client.get(path)
            print(json.dumps({"who": username, "path": path, "status": response.status_code}))


if __name__ == "__main__":
    main()
