"""What a cache outage must not break, asked as people ask it: for the unit tests (the cache on a
port where nothing listens) and the fault tests (a throwaway Redis stopped under requests)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import SESSION_KEY
from django.test import Client

from assessments.models import Attempt, QuizPage, QuizSlot
from assessments.questions import services as questions
from assessments.questions.data import Choice, QuestionType
from assessments.questions.data import Question as Q
from tests.factories import PASSWORD, make_certificate


def use_redis(settings, url: str, prefix: str = "lms-fault") -> None:
    """The site as production runs it with a shared cache: Redis at `url` through
    lms.platform.cache, sessions cached in it and kept in the database, the page caches on."""
    from lms.platform import cache

    cache._HEALTH.clear()  # each test starts with Redis thought up and no counts of its own
    settings.CACHES = {
        "default": {
            "BACKEND": "lms.platform.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.LMS_PAGE_CACHE = True


def make_quiz(course) -> QuizPage:
    question = questions.questions_import(
        [
            Q(
                QuestionType.SINGLE,
                "查询服务时效?",
                choices=(Choice("5分钟", Decimal(1)), Choice("2小时", Decimal(0))),
            )
        ],
        default_category="客户服务知识",
    )[0]
    quiz = QuizPage(title="客服知识测验", slug="quiz", time_limit_minutes=10, pass_percent=60)
    course.add_child(instance=quiz)
    QuizSlot.objects.create(quiz=quiz, question=question, sort_order=0)
    return quiz


class Site:
    """The pages of one outage drill, each request's status kept in `statuses`."""

    def __init__(self, people, course, quiz):
        self.people, self.course, self.quiz = people, course, quiz
        self.certificate = make_certificate(people["learner"].user, course=course)
        self.statuses: list[tuple[str, int]] = []

    def _keep(self, name: str, response):
        self.statuses.append((name, response.status_code))
        return response

    def sign_in(self, number: str, password: str = PASSWORD) -> Client:
        client = Client()
        self._keep("sign-in page", client.get("/accounts/login/"))
        response = self._keep(
            "sign-in", client.post("/accounts/login/", {"login": number, "password": password})
        )
        client.signed_in = SESSION_KEY in client.session and response.status_code == 302
        return client

    def learn_and_answer(self) -> Attempt:
        """The learner signs in, reads a lesson, starts the quiz and answers its question."""
        learner = self.sign_in(self.people["learner"].user.username)
        assert learner.signed_in
        self._keep("home", learner.get("/"))
        self._keep("my learning", learner.get("/learning/"))
        self._keep("lesson", learner.get(self.course.lessons[0].url))
        self._keep("quiz", learner.get(self.quiz.url))
        self._keep("quiz start", learner.post(f"/learning/quizzes/{self.quiz.pk}/start/"))
        attempt = Attempt.objects.filter(user=self.people["learner"].user).latest("pk")
        item = attempt.items.get(position=1)
        chosen = item.option_order.index(0)  # the right answer, wherever it is shown
        saved = self._keep(
            "answer",
            learner.post(
                f"/learning/attempts/{attempt.pk}/answers/1/", {"q1-choice": str(chosen)}
            ),
        )
        assert saved.json() == {"saved": True}
        self._keep("attempt", learner.get(f"/learning/attempts/{attempt.pk}/"))
        return attempt

    def hr_pages(self) -> None:
        hr = self.sign_in(self.people["hr"].user.username)
        assert hr.signed_in
        self._keep("HR report", hr.get("/learning/reports/"))
        self._keep("HR people", hr.get("/learning/reports/people/"))

    def verify(self) -> None:
        self._keep("verify", Client().get(f"/verify/{self.certificate.code}/"))

    def all_of_it(self) -> Attempt:
        attempt = self.learn_and_answer()
        self.hr_pages()
        self.verify()
        return attempt

    def errors(self) -> list[tuple[str, int]]:
        return [(name, status) for name, status in self.statuses if status >= 500]
