"""Trainers' and HR's quiz pages: results, the grading queue, item analysis, regrading."""

import random
import re
from decimal import Decimal

import pytest
from django.utils import translation

from assessments.models import Attempt, AttemptState, QuizPage, QuizSlot
from assessments.questions import services
from assessments.questions.data import Choice, QuestionType
from assessments.questions.data import Question as Q
from assessments.quizzes import selectors
from assessments.quizzes import services as attempts
from lms.models import AuditEvent

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def quiz(course):
    essay, key_q, truth = services.questions_import(
        [
            Q(QuestionType.ESSAY, "描述一次投诉处理。", name="投诉处理描述"),
            Q(
                QuestionType.SINGLE,
                "查询服务时效?",
                name="查询时效",
                choices=(Choice("2小时", D(1)), Choice("5分钟", D(0))),  # the key is wrong
            ),
            Q(QuestionType.TRUE_FALSE, "异常应在2小时内联系客户。", correct=True),
        ],
        default_category="客户服务知识",
    )
    quiz = QuizPage(title="客服测验", slug="q", pass_percent=D(50), shuffle_choices=False)
    course.add_child(instance=quiz)
    QuizSlot.objects.create(quiz=quiz, question=essay, sort_order=0, mark=D(4))
    QuizSlot.objects.create(quiz=quiz, question=key_q, sort_order=1, mark=D(2))
    QuizSlot.objects.create(quiz=quiz, question=truth, sort_order=2, mark=D(2))
    quiz.questions = essay, key_q, truth
    return quiz


def take(quiz, user, *, essay="我先道歉,然后……", choice=0, truth="true"):
    attempt = attempts.attempt_start(quiz=quiz, user=user, rng=random.Random(0))
    if essay is not None:
        attempts.answer_save(attempt=attempt, position=1, data={"text": essay})
    if choice is not None:
        attempts.answer_save(attempt=attempt, position=2, data={"choice": choice})
    attempts.answer_save(attempt=attempt, position=3, data={"truth": truth})
    return attempts.attempt_submit(attempt=attempt)


def test_learners_cannot_open_the_trainer_pages(quiz, people, login):
    client = login(people["learner"])
    attempt = take(quiz, people["colleague"].user)
    item = attempt.items.get(position=1)
    for url in (
        "/learning/quizzes/",
        f"/learning/quizzes/{quiz.pk}/results/",
        f"/learning/quizzes/{quiz.pk}/analysis/",
        "/learning/grading/",
        f"/learning/grading/{item.pk}/",
        f"/learning/questions/{quiz.questions[1].pk}/regrade/",
    ):
        assert client.get(url).status_code == 403, url


def test_a_trainer_sees_the_results_of_their_own_units_only(quiz, people, login):
    take(quiz, people["learner"].user, essay=None)  # pudong: graded at once
    take(quiz, people["south"].user, essay=None)  # the south: not the trainer's
    client = login(people["trainer"])
    (row,) = [r for r in selectors.quiz_rows(people["trainer"].user) if r.quiz.pk == quiz.pk]
    assert (row.submitted, row.waiting, row.place) == (1, 0, "客户服务知识")
    html = client.get(f"/learning/quizzes/{quiz.pk}/results/").content.decode()
    assert "王喆" in html and "黄丽" not in html
    hr_html = login(people["hr"]).get(f"/learning/quizzes/{quiz.pk}/results/").content.decode()
    assert "王喆" in hr_html and "黄丽" in hr_html


def test_results_export_neutralises_formulas(quiz, people, login, make_staff):
    sneaky = make_staff("pudong-team", name="=HYPERLINK(1)", number="L099")
    take(quiz, sneaky.user, essay=None)
    response = login(people["hr"]).get(f"/learning/quizzes/{quiz.pk}/results/?format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and "L099" in text


def test_the_grading_queue_grades_an_essay_and_moves_on(quiz, people, login):
    first = take(quiz, people["learner"].user)
    second = take(quiz, people["colleague"].user)
    take(quiz, people["south"].user)  # not in the trainer's units
    client = login(people["trainer"])
    queue = client.get("/learning/grading/").content.decode()
    assert "王喆" in queue and "李堃" in queue and "黄丽" not in queue

    essay = first.items.get(position=1)
    page = client.get(f"/learning/grading/{essay.pk}/").content.decode()
    assert "我先道歉" in page and "描述一次投诉处理" in page
    # the score box: a full-width text box with the decimal keypad and its maximum beside it
    box = re.search(r'<input type="text" name="score"[^>]*>', page).group(0)
    assert 'inputmode="decimal"' in box and 'class="score-input"' in box
    assert '<span class="score-max" aria-hidden="true">/ 4</span>' in page

    # a score above the mark is refused, and nothing changes
    refused = client.post(f"/learning/grading/{essay.pk}/", {"score": "5", "comment": ""})
    assert refused.status_code == 200 and "4" in refused.content.decode()
    first.refresh_from_db()
    assert first.state == AttemptState.NEEDS_GRADING

    moved = client.post(f"/learning/grading/{essay.pk}/", {"score": "3.5", "comment": "很好"})
    following = second.items.get(position=1)
    assert moved.url == f"/learning/grading/{following.pk}/"
    first.refresh_from_db()
    assert first.state == AttemptState.GRADED and first.score == D("7.50")
    assert AuditEvent.objects.filter(action="quiz.graded").count() == 1

    # a grade is final: posting again changes nothing
    client.post(f"/learning/grading/{essay.pk}/", {"score": "0", "comment": ""})
    first.refresh_from_db()
    assert first.score == D("7.50")

    # the learner sees the trainer's score and comment
    result = login(people["learner"]).get(f"/learning/attempts/{first.pk}/result/")
    html = result.content.decode()
    assert "3.5 / 4 分" in html and "很好" in html and "我先道歉" in html


def test_a_trainer_never_grades_their_own_attempt(quiz, people, login):
    own = take(quiz, people["trainer"].user)
    client = login(people["trainer"])
    assert "TR01" not in client.get("/learning/grading/").content.decode()
    item = own.items.get(position=1)
    assert client.get(f"/learning/grading/{item.pk}/").status_code == 404
    hr = login(people["hr"])
    assert hr.get(f"/learning/grading/{item.pk}/").status_code == 200


def test_item_analysis_counts_facility_and_options(quiz, people, make_staff, login):
    # Four learners: the two who chose "2小时" (the keyed answer) also said "true".
    learners = [make_staff("pudong-team", number=f"L1{i}").user for i in range(4)]
    for user, choice, truth in zip(
        learners, (0, 0, 1, 1), ("true", "true", "false", "false"), strict=True
    ):
        take(quiz, user, essay=None, choice=choice, truth=truth)
    with translation.override("en"):
        analysis = selectors.quiz_analysis(people["hr"].user, quiz)
    assert analysis.attempts == 4 and analysis.mean_percent == D(25)  # no essays
    by_id = {row.question_id: row for row in analysis.questions}
    _essay, key_q, truth_q = quiz.questions
    key_row = by_id[key_q.pk]
    assert key_row.stats.facility == D(50)
    assert [(o.label, o.right, o.count) for o in key_row.options] == [
        ("2小时", True, 2),
        ("5分钟", False, 2),
    ]
    assert key_row.stats.discrimination == D(1)
    assert [(o.label, o.count) for o in by_id[truth_q.pk].options] == [("True", 2), ("False", 2)]

    html = login(people["trainer"]).get(f"/learning/quizzes/{quiz.pk}/analysis/")
    text = html.content.decode()
    assert "查询时效" in text and "50.00%" in text
    assert f"/learning/questions/{key_q.pk}/regrade/" in text  # trainers may fix the bank


def test_item_analysis_runs_a_fixed_number_of_queries(
    quiz, people, make_staff, login, django_assert_max_num_queries
):
    for i in range(12):
        take(quiz, make_staff("pudong-team", number=f"L2{i:02}").user, essay=None)
    client = login(people["hr"])
    with django_assert_max_num_queries(9):
        assert client.get(f"/learning/quizzes/{quiz.pk}/analysis/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/learning/quizzes/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(f"/learning/quizzes/{quiz.pk}/results/").status_code == 200


def test_a_trainer_previews_then_regrades_a_fixed_key(quiz, people, login):
    _essay, key_q, _truth = quiz.questions
    chose_5_minutes = take(quiz, people["learner"].user, essay=None, choice=1)
    take(quiz, people["colleague"].user, essay=None, choice=0)
    key_q.answers = [("single", {"choices": [
        {"text": "2小时", "weight": 0, "feedback": ""},
        {"text": "5分钟", "weight": 100, "feedback": "对,见3.1.4。"},
    ]})]  # fmt: skip
    key_q.save()
    client = login(people["trainer"])
    url = f"/learning/questions/{key_q.pk}/regrade/"
    preview = client.get(url).content.decode()
    assert "2" in preview and "5分钟" in preview
    assert selectors.regrade_preview(key_q).changed == 2
    chose_5_minutes.refresh_from_db()
    assert chose_5_minutes.score == D(2)  # the preview wrote nothing

    assert client.post(url).url == url
    chose_5_minutes.refresh_from_db()
    assert chose_5_minutes.score == D(4)
    assert AuditEvent.objects.filter(action="quiz.regraded").count() == 1


def test_a_shared_question_is_regraded_only_by_someone_who_sees_everyone_it_changes(
    quiz, people, login, no_mfa_enforcement
):
    """Answers from outside the trainer's units: the trainer sees why, and cannot regrade;
    an administrator, who sees everyone, can."""
    _essay, key_q, _truth = quiz.questions
    take(quiz, people["learner"].user, essay=None, choice=1)  # the trainer's unit
    south = take(quiz, people["south"].user, essay=None, choice=1)  # not the trainer's
    key_q.answers = [("single", {"choices": [
        {"text": "2小时", "weight": 0, "feedback": ""},
        {"text": "5分钟", "weight": 100, "feedback": ""},
    ]})]  # fmt: skip
    key_q.save()
    url = f"/learning/questions/{key_q.pk}/regrade/"
    trainer = login(people["trainer"])
    page = trainer.get(url).content.decode()
    assert 'role="alert"' in page and 'type="submit" class="primary"' not in page
    assert trainer.post(url).status_code == 403
    south.refresh_from_db()
    assert south.score == D(2)
    assert not AuditEvent.objects.filter(action="quiz.regraded").exists()
    assert login(people["admin"]).post(url).status_code == 302
    south.refresh_from_db()
    assert south.score == D(4)


def test_a_regrade_that_cannot_be_done_says_why(quiz, people, login):
    _essay, key_q, _truth = quiz.questions
    take(quiz, people["learner"].user, essay=None)
    three = [("2小时", 0), ("5分钟", 100), ("1天", 0)]
    key_q.answers = [("single", {"choices": [{"text": t, "weight": w} for t, w in three]})]
    key_q.save()
    client = login(people["trainer"])
    url = f"/learning/questions/{key_q.pk}/regrade/"
    page = client.get(url).content.decode()
    assert 'role="alert"' in page and 'type="submit" class="primary"' not in page
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert Attempt.objects.get().score == D(4)
    assert not AuditEvent.objects.filter(action="quiz.regraded").exists()


def test_the_question_editor_links_to_the_regrade(quiz, people, login):
    _essay, key_q, _truth = quiz.questions
    client = login(people["trainer"])
    edit = client.get(f"/cms/snippets/assessments/question/edit/{key_q.pk}/")
    assert f"/learning/questions/{key_q.pk}/regrade/" in edit.content.decode()


# Personal data in the audit log ------------------------------------------------------------


def test_opening_someones_answer_to_grade_it_is_logged_once(quiz, people, login):
    from lms.audit import PersonalRecord

    attempt = take(quiz, people["learner"].user)
    essay = attempt.items.get(position=1)
    client = login(people["trainer"])
    assert client.get(f"/learning/grading/{essay.pk}/", REMOTE_ADDR="10.2.3.4").status_code == 200
    event = AuditEvent.objects.get(action="personal.viewed")
    assert (event.actor, event.subject, event.ip_address) == (
        people["trainer"].user,
        people["learner"].user,
        "10.2.3.4",
    )
    assert event.details["record"] == PersonalRecord.ATTEMPT
    assert event.details["attempt"] == attempt.pk and event.object_repr == quiz.title


def test_the_results_page_and_its_export_are_each_logged_once(
    quiz, people, login, django_assert_max_num_queries
):
    take(quiz, people["learner"].user, essay=None)
    take(quiz, people["learner"].user, essay=None)
    take(quiz, people["colleague"].user, essay=None)
    take(quiz, people["south"].user, essay=None)
    client = login(people["trainer"])
    assert client.get(f"/learning/quizzes/{quiz.pk}/results/").status_code == 200
    listed = AuditEvent.objects.get(action="personal.viewed")
    assert listed.subject is None and listed.details["people"] == 2  # not the south
    assert listed.details["scope"] == {"quiz": quiz.pk, "page": 1}
    with django_assert_max_num_queries(8):
        response = client.get(f"/learning/quizzes/{quiz.pk}/results/?format=xlsx")
    assert response.status_code == 200
    exported = AuditEvent.objects.get(action="personal.exported")
    assert exported.actor == people["trainer"].user
    assert exported.details["people"] == 2
    assert exported.details["scope"] == {"quiz": quiz.pk, "format": "xlsx"}
