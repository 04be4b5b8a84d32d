"""Taking a quiz: the pages a learner uses, and what they never show."""

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import Attempt, AttemptState, QuizPage, QuizSlot
from assessments.questions import services
from assessments.questions.data import Choice, QuestionType
from assessments.questions.data import Question as Q
from assessments.quizzes import services as attempts
from courses.learning import services as course_services
from courses.learning.signals import course_completed
from courses.models import Enrolment

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def quiz(course):
    questions = services.questions_import(
        [
            Q(
                QuestionType.SINGLE,
                "查询服务时效?",
                choices=(Choice("5分钟", D(1), "对,见3.1.4。"), Choice("2小时", D(0))),
            ),
            Q(QuestionType.TRUE_FALSE, "异常应在2小时内联系客户。", correct=True),
            Q(
                QuestionType.SHORT,
                "首问负责制的“首问”指谁?",
                choices=(Choice("首位接待人员", D(1)),),
            ),
        ],
        default_category="客户服务知识",
    )
    quiz = QuizPage(title="客服知识测验", slug="quiz", time_limit_minutes=10, pass_percent=D(60))
    course.add_child(instance=quiz)
    for n, question in enumerate(questions):
        QuizSlot.objects.create(quiz=quiz, question=question, sort_order=n)
    return quiz


def test_a_learner_takes_the_quiz_and_sees_the_result(quiz, people, login, course):
    client = login(people["learner"])
    page = client.get(quiz.url).content.decode()
    assert "客服知识测验" in page and "60" in page
    response = client.post(f"/learning/quizzes/{quiz.pk}/start/")
    attempt = Attempt.objects.get()
    assert response.url == f"/learning/attempts/{attempt.pk}/"

    html = client.get(response.url).content.decode()
    assert "查询服务时效?" in html and "data-deadline" in html
    assert "对,见3.1.4。" not in html  # no feedback before submitting
    single = attempt.items.get(position=1)
    right = single.option_order.index(0)
    assert html.count('name="q1-choice"') == 2 and 'value="0"' in html
    assert right in (0, 1)

    # the page's script saves one answer at a time
    saved = client.post(f"/learning/attempts/{attempt.pk}/answers/1/", {"q1-choice": "0"})
    assert saved.json() == {"saved": True}
    bad = client.post(f"/learning/attempts/{attempt.pk}/answers/1/", {"q1-choice": "9"})
    assert bad.status_code == 400
    # a reload shows what was saved
    assert 'value="0" checked' in client.get(response.url).content.decode()

    summary = client.get(f"/learning/attempts/{attempt.pk}/submit/").content.decode()
    assert "#q2" in summary and "#q3" in summary and "#q1" not in summary  # unanswered
    # without JavaScript the whole form is sent, with the answer already chosen
    client.post(
        f"/learning/attempts/{attempt.pk}/",
        {"q1-choice": "0", "q2-truth": "true", "q3-text": " 首位接待人员 "},
    )
    result = client.post(f"/learning/attempts/{attempt.pk}/submit/")
    assert result.url == f"/learning/attempts/{attempt.pk}/result/"
    html = client.get(result.url).content.decode()
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED and attempt.score == D(3)
    assert "对,见3.1.4。" in html  # review straight after, as the quiz allows
    client.post(f"/learning/attempts/{attempt.pk}/submit/")  # a second submit changes nothing
    attempt.refresh_from_db()
    assert attempt.score == D(3)


def test_a_passed_required_quiz_completes_the_course(quiz, people, login, course):
    user = people["learner"].user
    for lesson in course.lessons:
        course_services.lesson_complete(user=user, lesson=lesson)
    assert Enrolment.objects.get(user=user).completed_at is None  # the quiz is required
    attempt = attempts.attempt_start(quiz=quiz, user=user, rng=random.Random(0))
    attempts.answer_save(attempt=attempt, position=1, data={"choice": 0})
    attempts.answer_save(attempt=attempt, position=2, data={"truth": "true"})
    attempts.attempt_submit(attempt=attempt)
    assert Enrolment.objects.get(user=user).completed_at is not None


def test_the_submit_page_completes_the_course_once(
    quiz, people, login, course, django_capture_on_commit_callbacks
):
    user = people["learner"].user
    for lesson in course.lessons:
        course_services.lesson_complete(user=user, lesson=lesson)
    attempt = attempts.attempt_start(quiz=quiz, user=user, rng=random.Random(0))
    client = login(people["learner"])
    client.post(f"/learning/attempts/{attempt.pk}/answers/1/", {"q1-choice": "0"})
    client.post(f"/learning/attempts/{attempt.pk}/answers/2/", {"q2-truth": "true"})
    completed = []
    course_completed.connect(
        lambda sender, enrolment, **kwargs: completed.append(enrolment.pk),
        weak=False,
        dispatch_uid="test-quiz-submit",
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/learning/attempts/{attempt.pk}/submit/")
            client.post(f"/learning/attempts/{attempt.pk}/submit/")  # a second tab
    finally:
        course_completed.disconnect(dispatch_uid="test-quiz-submit")
    enrolment = Enrolment.objects.get(user=user)
    assert enrolment.completed_at is not None and completed == [enrolment.pk]


def test_nobody_sees_anothers_attempt(quiz, people, login):
    attempt = attempts.attempt_start(quiz=quiz, user=people["colleague"].user)
    client = login(people["learner"])
    assert client.get(f"/learning/attempts/{attempt.pk}/").status_code == 404
    assert client.post(f"/learning/attempts/{attempt.pk}/answers/1/", {}).status_code == 404
    assert client.post(f"/learning/attempts/{attempt.pk}/submit/").status_code == 404


def test_a_save_after_the_submit_is_refused_and_says_so(quiz, people, login):
    attempt = attempts.attempt_start(quiz=quiz, user=people["learner"].user)
    client = login(people["learner"])
    assert client.post(f"/learning/attempts/{attempt.pk}/answers/2/", {"q2-truth": "true"}).json()
    done = client.post(f"/learning/attempts/{attempt.pk}/submit/")
    assert done.url == f"/learning/attempts/{attempt.pk}/result/"
    late = client.post(f"/learning/attempts/{attempt.pk}/answers/1/", {"q1-choice": "0"})
    assert late.status_code == 409
    assert late.json() == {
        "saved": False,
        "closed": True,
        "error": "时间到了：本次作答已结束。",  # noqa: RUF001
    }
    assert attempt.items.get(position=1).response is None  # nothing written
    assert attempt.items.get(position=2).score == D(1)
    again = client.post(f"/learning/attempts/{attempt.pk}/submit/")  # a second tab
    assert again.url == done.url


def test_a_question_the_attempt_does_not_have_is_not_found(quiz, people, login):
    attempt = attempts.attempt_start(quiz=quiz, user=people["learner"].user)
    client = login(people["learner"])
    assert client.post(f"/learning/attempts/{attempt.pk}/answers/9/", {}).status_code == 404
    assert client.post("/learning/attempts/999999/answers/1/", {}).status_code == 404
    assert client.post(f"/learning/attempts/{attempt.pk}/answers/99999/", {}).status_code == 404
    assert client.post(f"/learning/attempts/{10**20}/answers/1/", {}).status_code == 404
    assert client.post(f"/learning/attempts/{10**20}/submit/").status_code == 404
    assert client.post("/learning/attempts/999999/submit/").status_code == 404


def test_after_the_deadline_the_page_shows_the_result(quiz, people, login):
    start = timezone.now() - datetime.timedelta(minutes=30)
    attempt = attempts.attempt_start(quiz=quiz, user=people["learner"].user, now=start)
    client = login(people["learner"])
    late = client.post(f"/learning/attempts/{attempt.pk}/answers/1/", {"q1-choice": "0"})
    assert late.status_code == 409
    response = client.get(f"/learning/attempts/{attempt.pk}/")
    assert response.url == f"/learning/attempts/{attempt.pk}/result/"


def test_a_trainer_adds_a_quiz_to_a_course_in_the_admin(course, people, login):
    client = login(people["trainer"])
    response = client.get(f"/cms/pages/add/assessments/quizpage/{course.pk}/")
    assert response.status_code == 200
    assert "slots-TOTAL_FORMS" in response.content.decode()


def test_the_course_page_lists_its_required_quiz(quiz, course, people, login):
    html = login(people["learner"]).get(course.url).content.decode()
    assert quiz.title in html and quiz.url in html
