"""200 learners in a 50-question quiz at once: saving answers, then submitting.

A bank of 200 questions of the six objective types and a timed module test that draws 50 of
them (`quiz_data.py`); 200 learners each have a started attempt and a signed-in session, and
send what the attempt page's script sends (`static/js/attempt.js`): each answer as it is
given, a multipart POST with the CSRF header, answered with JSON; about three-quarters of the
answers are right. Each learner is a thread of one of four client processes (so that the
client's own interpreter lock does not hold up the answers it times); every request is on a
new connection, to gunicorn as every benchmark here runs it (2 sync workers).

1. Answer save, paced: every learner answers its first 4 questions, pausing 10 s on average
   (uniformly 5 to 15 s) before each, the first pause starting anywhere in the first 10 s:
   about 20 saves a second. This is the latency a learner sees. A real sitting is slower
   (50 questions in 60 minutes is one answer every 30 to 70 s: 3 to 7 saves a second for 200
   learners); measuring all 50 answers at a pace like this would take ten minutes, so the
   other 46 answers are written straight into the database (untimed).
2. Answer save, without pauses: every learner changes 10 of its answers, each sent as soon
   as the previous one is answered: the server's throughput, and the latency while 200
   requests queue for it.
3. Submit, as a class does: the 200 learners send the submit page's form as each finishes,
   spread over 20 s (uniformly): 10 submits a second. A class that sits a 60-minute test
   together finishes over several minutes (a learner who is still answering at the deadline
   sends nothing: the server closes the attempt with what was saved, when the page reloads),
   so this is denser than any real sitting. The target is measured here.
4. Submit, a thundering herd: another 200 learners (same quiz, every answer given) send the
   submit page's form in the same instant, next to 200 requests for the bare view in the
   same instant. No class does this, and no server of 2 sync workers can answer 200
   requests in the same instant with a p95 under 100 ms (the bare view cannot: it shows the
   queue, not the code); it stays as the worst case, and gives the submit's CPU.

Afterwards the database must show every attempt graded once and not by the deadline sweep,
and every item holding the last answer sent to it with the score the grader gives that
answer; any other answer than the page expects (JSON `saved: true`; a redirect to the result)
also fails the benchmark. The comparison is one client sending the same requests one after
another (10 learners, 50 answers and a submit each). The query counts and in-process times
come from one warm request of each, through Django's test client.

Targets: answer-save and submit p95 under 100 ms at 200 concurrent learners: a
class of 200 taking the test together (rows "answer save: p95, 200 learners" and "submit:
p95, 200 learners").
"""

from __future__ import annotations

import dataclasses
import os
import random
import re
import statistics
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field

from django.db import connection, connections
from django.urls import reverse

from tests.benchmarks.harness import (
    Context,
    CpuMeter,
    Played,
    Row,
    Step,
    percentile,
    play,
    query_listing,
)

TITLE = "Quiz: answer save and submit, 200 learners at once"

LEARNERS = 200
SINGLE_CLIENT_LEARNERS = 10  # the comparison: the same requests from one client
QUESTIONS = 200
PER_QUIZ = 50
PACED = 4  # answers each learner sends with pauses
PAUSE = 10.0  # seconds, on average, before each of them
CHANGED = 10  # answers each learner changes without pausing
SUBMIT_WINDOW = 20.0  # seconds over which the class's submits are spread
RIGHT = 0.75  # the share of right answers
CLIENT_PROCESSES = 4
TARGET_MS = 100.0
SEED = 2026


# What a learner sends -------------------------------------------------------------------


_WILDCARD = re.compile(r"(?<!\\)\*+")


def answer_fields(content, option_order: list[int], position: int, right: bool, rng):
    """The form fields the attempt page sends for one answer: [(name, value)]."""
    from assessments.questions.data import QuestionType

    prefix = f"q{position}-"
    qtype = content.qtype
    if qtype == QuestionType.SINGLE:
        best = max(option_order, key=lambda i: content.choices[i].fraction)
        others = [i for i in option_order if i != best]
        return [(prefix + "choice", str(best if right or not others else rng.choice(others)))]
    if qtype == QuestionType.MULTIPLE:
        good = [i for i in option_order if content.choices[i].fraction > 0]
        chosen = good if right else rng.sample(option_order, rng.randint(1, len(option_order)))
        return [(prefix + "choices", str(i)) for i in option_order if i in chosen]
    if qtype == QuestionType.TRUE_FALSE:
        truth = content.correct if right else not content.correct
        return [(prefix + "truth", "true" if truth else "false")]
    if qtype == QuestionType.SHORT:
        best = max(content.choices, key=lambda c: c.fraction)
        typed = _WILDCARD.sub("", best.text).replace("\\*", "*").strip() or "服务第一"
        return [(prefix + "text", typed if right else "不清楚")]
    if qtype == QuestionType.NUMERICAL:
        best = max(content.numbers, key=lambda n: n.fraction)
        number = best.low if best.is_range else best.value
        finite = number is not None and number.is_finite()
        typed = format(number.normalize(), "f") if finite else "1"
        return [(prefix + "text", typed if right else "-98765")]
    if qtype == QuestionType.MATCHING:
        prompts = [i for i, pair in enumerate(content.pairs) if pair.prompt]
        chosen = prompts if right else prompts[1:] + prompts[:1]
        return [
            (f"{prefix}match-{prompt}", str(answer))
            for prompt, answer in zip(prompts, chosen, strict=True)
        ]
    return [(prefix + "text", "按照手册的规定处理。")]


def saved_response(content, option_order: list[int], position: int, fields) -> dict:
    """The response the server should store for those fields, read as the view reads them."""
    from django.http import QueryDict

    from assessments.quizzes.responses import response_from, response_to_json
    from assessments.quizzes.views import posted_answer

    post = QueryDict(mutable=True)
    for name, value in fields:
        post.appendlist(name, value)
    data = posted_answer(post, position, content.qtype)
    return response_to_json(response_from(content, option_order, data))


def multipart(fields) -> tuple[bytes, str]:
    """A body as the browser's FormData sends it: (body, Content-Type)."""
    boundary = f"----lmsbench{uuid.uuid4().hex}"
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


@dataclass
class Item:
    """One question of an attempt, as the learner's page shows it."""

    position: int
    content: object  # assessments.questions.Question
    option_order: list[int]


@dataclass
class Learner:
    """A signed-in learner with an open attempt, and what it has sent so far."""

    user_id: int
    attempt_id: int
    cookie: str
    token: str
    items: list[Item]
    expected: dict[int, dict] = field(default_factory=dict)  # position -> saved response

    def headers(self, origin: str, **more: str) -> dict[str, str]:
        return {"Cookie": self.cookie, "Origin": origin, **more}

    def answer(self, item: Item, right: bool, rng) -> list[tuple[str, str]]:
        """The fields of a new answer to `item`, which the attempt is then expected to hold."""
        fields = answer_fields(item.content, item.option_order, item.position, right, rng)
        self.expected[item.position] = saved_response(
            item.content, item.option_order, item.position, fields
        )
        return fields

    def save(self, origin: str, item: Item, right: bool, rng, pause: float = 0.0) -> Step:
        """The request that sends a new answer to `item`."""
        body, content_type = multipart(self.answer(item, right, rng))
        return Step(
            "save",
            "POST",
            reverse("quizzes:answer", args=[self.attempt_id, item.position]),
            body,
            self.headers(origin, **{"Content-Type": content_type, "X-CSRFToken": self.token}),
            pause=pause,
            check=b'"saved": true',
        )

    def submit(self, origin: str) -> Step:
        """The submit page's form, sent."""
        submit_page = reverse("quizzes:submit", args=[self.attempt_id])
        return Step(
            "submit",
            "POST",
            submit_page,
            urllib.parse.urlencode({"csrfmiddlewaretoken": self.token}).encode(),
            self.headers(
                origin,
                **{
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": origin + submit_page,
                },
            ),
            expect=302,
            location=reverse("quizzes:result", args=[self.attempt_id]),
        )


def learners_of(quiz, ctx: Context) -> list[Learner]:
    """Each attempt's learner, signed in (a session made server-side) with a CSRF token."""
    from django.conf import settings
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    from assessments.models import AttemptItem

    items: dict[int, list[Item]] = {}
    for row in (
        AttemptItem.objects.filter(attempt_id__in=quiz.attempt_ids)
        .select_related("version")
        .order_by("attempt_id", "position")
    ):
        items.setdefault(row.attempt_id, []).append(
            Item(row.position, row.version.content, row.option_order)
        )
    learners = []
    for user_id, attempt_id in zip(quiz.learner_ids, quiz.attempt_ids, strict=True):
        request = RequestFactory().get("/")
        token = get_token(request)  # what the attempt page's form and cookie would hold
        cookie = (
            ctx.session_cookie(user_id)["Cookie"]
            + f"; {settings.CSRF_COOKIE_NAME}={request.META['CSRF_COOKIE']}"
        )
        learners.append(Learner(user_id, attempt_id, cookie, token, items[attempt_id]))
    return learners


# Checks ----------------------------------------------------------------------------------


def check_attempts(learners: list[Learner]) -> None:
    """Every attempt graded once, by its submit; every item holds the last answer sent to it,
    graded as the grader grades that answer."""
    from assessments.models import Attempt, AttemptItem, AttemptState
    from assessments.quizzes import grading
    from assessments.quizzes.responses import response_from_json

    by_attempt = {learner.attempt_id: learner for learner in learners}
    attempts = Attempt.objects.in_bulk(list(by_attempt))
    problems = []
    for attempt in attempts.values():
        if attempt.state != AttemptState.GRADED or attempt.auto_submitted:
            late = " (closed at the deadline)" if attempt.auto_submitted else ""
            problems.append(f"attempt {attempt.pk} is {attempt.state}{late}")
        elif attempt.graded_at != attempt.submitted_at:
            problems.append(f"attempt {attempt.pk} was graded again after its submit")
    again = Attempt.objects.filter(
        user_id__in=[learner.user_id for learner in learners], pk__gt=min(by_attempt)
    ).exclude(pk__in=list(by_attempt))
    if again.exists():
        problems.append(f"{again.count()} attempts started again")
    totals: dict[int, object] = {}
    items = list(
        AttemptItem.objects.filter(attempt_id__in=list(by_attempt)).select_related("version")
    )
    for item in items:
        sent = by_attempt[item.attempt_id].expected.get(item.position)
        where = f"attempt {item.attempt_id}, question {item.position}"
        if item.response != sent:
            problems.append(f"{where}: holds {item.response}, sent {sent}")
            continue
        grade = grading.grade(item.version.content, response_from_json(sent), item.mark)
        if (item.state, item.score) != (str(grade.state), grade.score):
            problems.append(f"{where}: graded {item.state} {item.score}, not {grade.score}")
        totals[item.attempt_id] = totals.get(item.attempt_id, 0) + (item.score or 0)
    counted = sum(len(learner.items) for learner in learners)
    if len(items) != counted:
        problems.append(f"{len(items)} items, not {counted}")
    for attempt_id, total in totals.items():
        if attempts[attempt_id].score != total:
            problems.append(
                f"attempt {attempt_id}: total {attempts[attempt_id].score}, not {total}"
            )
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise AssertionError("; ".join(problems[:5]) + more)


# In-process: queries --------------------------------------------------------------------


def in_process(learner: Learner) -> dict[str, tuple[str, list[tuple[float, str]], float]]:
    """For a warm answer save and a submit: (path, [(seconds, SQL)], seconds), in-process.

    The learner answers every question (the second answer is the one measured), then submits.
    """
    from django.test import Client

    from lms.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=learner.user_id))
    rng = random.Random(SEED)

    def post(path: str, data: dict):
        sql: list[tuple[float, str]] = []

        def timer(execute, text, params, many, context):
            start = time.perf_counter()
            try:
                return execute(text, params, many, context)
            finally:
                sql.append((time.perf_counter() - start, text))

        with connection.execute_wrapper(timer):
            start = time.perf_counter()
            response = client.post(path, data)
            seconds = time.perf_counter() - start
        return response, (path, sql, seconds)

    measured = {}
    for item in learner.items:
        fields = learner.answer(item, True, rng)
        data: dict[str, list[str]] = {}
        for name, value in fields:
            data.setdefault(name, []).append(value)
        path = reverse("quizzes:answer", args=[learner.attempt_id, item.position])
        response, measured[f"save {item.position}"] = post(path, data)
        assert response.status_code == 200 and response.json() == {"saved": True}, response
    response, measured["submit"] = post(reverse("quizzes:submit", args=[learner.attempt_id]), {})
    assert response.status_code == 302, response
    return {"answer save": measured["save 2"], "submit": measured["submit"]}


def fill_answers(learners: list[Learner], rng: random.Random) -> int:
    """Answer every question not answered yet, straight in the database; how many."""
    from django.utils import timezone

    from assessments.models import AttemptItem

    field = AttemptItem._meta.get_field("response")
    now = timezone.now()
    rows = []
    for learner in learners:
        for item in learner.items:
            if item.position not in learner.expected:
                learner.answer(item, rng.random() < RIGHT, rng)
                value = field.get_db_prep_value(learner.expected[item.position], connection)
                rows.append((value, now, learner.attempt_id, item.position))
    table = connection.ops.quote_name(AttemptItem._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET response = %s, saved_at = %s "
            "WHERE attempt_id = %s AND position = %s",
            rows,
        )
    return len(rows)


# The run ---------------------------------------------------------------------------------


def _capacity(cpu: tuple[float, float], what: str) -> str:
    """The database's share of a request's CPU, and what the machine's cores allow."""
    cores = os.cpu_count() or 1
    most = f": at most {cores * 1000 / sum(cpu):.0f} {what}/s on {cores} cores" if sum(cpu) else ""
    return f"and {cpu[1]:.1f} ms of PostgreSQL's{most}"


def _ms(values: list[float], pct: float | None = None) -> float:
    return (statistics.median(values) if pct is None else percentile(values, pct)) * 1000


def run(ctx: Context) -> list[Row]:
    from tests.benchmarks.quiz_data import quiz_generate

    data = ctx.dataset
    extra = 1 + SINGLE_CLIENT_LEARNERS
    start = time.perf_counter()
    quiz = quiz_generate(
        learners=2 * LEARNERS + extra, questions=QUESTIONS, per_quiz=PER_QUIZ,
        exclude=(data.learner_id,), seed=SEED,
    )  # fmt: skip
    learners = learners_of(quiz, ctx)
    ctx.log(
        f"  quiz and {len(learners)} signed-in learners with open attempts in "
        f"{time.perf_counter() - start:.1f} s"
    )
    counted, single = learners[0], learners[1:extra]
    crowd, herd = learners[extra : extra + LEARNERS], learners[extra + LEARNERS :]
    rng = random.Random(SEED + 1)

    measured = in_process(counted)
    check_attempts([counted])
    for name, (path, sql, _seconds) in measured.items():
        ctx.details.append(query_listing(f"quiz {name}", path, sql))

    server = ctx.server
    origin = f"http://{server.host}:{server.port}"
    page = reverse("quizzes:attempt", args=[crowd[0].attempt_id])
    status, body = server.get(page, {"Cookie": crowd[0].cookie})
    assert status == 200, f"the attempt page answered {status}"
    autosave = reverse("quizzes:answer", args=[crowd[0].attempt_id, 0])
    assert f'data-autosave="{autosave}"' in body.decode(), "the attempt page has no autosave"

    cost: dict[str, tuple[float, float]] = {}  # CPU ms per request: server, database

    def played(name: str, scripts: list[list[Step]]) -> Played:
        processes = CLIENT_PROCESSES if len(scripts) > 1 else 1
        connections.close_all()  # the client processes are forked from this one
        with CpuMeter(server.process.pid, connection.settings_dict["NAME"]) as meter:
            result = play(server.host, server.port, scripts, processes=processes)
        requests = sum(map(len, scripts))
        cost[name] = tuple(seconds / requests * 1000 for seconds in meter.seconds)
        labels = {step.label for script in scripts for step in script}
        for label in sorted(labels):
            failures = result.failures(label)
            if failures:
                first = failures[0]
                raise AssertionError(
                    f"{name}: {len(failures)} {label} requests failed, e.g. "
                    f"{first.status} {first.error!r}"
                )
        ctx.log(
            f"  {name}: {requests:,} requests in {result.seconds:.1f} s; per request "
            f"{cost[name][0]:.1f} ms of the server's CPU, {cost[name][1]:.1f} ms of "
            f"PostgreSQL's; the clients used {result.client_cpu:.1f} s of CPU in "
            f"{result.processes} processes"
        )
        return result

    # One client, one request after another.
    script = []
    for learner in single:
        script += [learner.save(origin, item, rng.random() < RIGHT, rng) for item in learner.items]
        script.append(learner.submit(origin))
    alone = played("1 client", [script])

    # 200 learners answering, with pauses.
    scripts = []
    for learner in crowd:
        pauses = [rng.uniform(0, PAUSE)]
        pauses += [rng.uniform(0.5 * PAUSE, 1.5 * PAUSE) for _ in range(PACED - 1)]
        scripts.append(
            [
                learner.save(origin, item, rng.random() < RIGHT, rng, pause)
                for item, pause in zip(learner.items, pauses, strict=False)
            ]
        )
    paced = played("answer save, paced", scripts)
    filled = fill_answers(crowd + herd, rng)
    ctx.log(f"  {filled:,} more answers written in the database")

    # 200 learners changing answers without pausing.
    scripts = [
        [
            learner.save(origin, item, rng.random() < RIGHT, rng)
            for item in rng.sample(learner.items, CHANGED)
        ]
        for learner in crowd
    ]
    flat_out = played("answer save, no pauses", scripts)

    # The class submits, each as they finish.
    scripts = []
    for learner in crowd:
        step = dataclasses.replace(learner.submit(origin), pause=rng.uniform(0, SUBMIT_WINDOW))
        scripts.append([step])
    spread = played("submit, spread", scripts)

    # The thundering herd: the bare view, then the submits, 200 at once.
    bare = played("bare view, 200 at once", [[BARE] for _ in herd])
    burst = played("submit, 200 at once", [[learner.submit(origin)] for learner in herd])

    connections.close_all()  # the submits changed what the connection's session saw
    check_attempts(single + crowd + herd)
    answers = sum(len(learner.items) for learner in single + crowd + herd)
    ctx.log(f"  {len(single + crowd + herd)} attempts graded once; {answers:,} answers kept")

    one_save = [o.seconds for o in alone.outcomes[0] if o.label == "save"]
    one_submit = [o.seconds for o in alone.outcomes[0] if o.label == "submit"]
    saves, fast = paced.result("save"), flat_out.result("save")
    submits, bare_burst = burst.result("submit"), bare.result("bare")
    class_submits = spread.result("submit")
    save_sql, submit_sql = measured["answer save"][1], measured["submit"][1]
    save_cpu, submit_cpu = cost["answer save, no pauses"], cost["submit, 200 at once"]
    requests = sum(
        len(r.latencies)
        for r in (
            saves,
            fast,
            class_submits,
            submits,
            alone.result("save"),
            alone.result("submit"),
        )
    )
    rows = [
        Row(
            f"answer save: median, {LEARNERS} learners",
            saves.median_ms,
            "ms",
            comparison=f"1 client: {_ms(one_save):.1f} ms",
        ),
        Row(
            f"answer save: p95, {LEARNERS} learners",
            saves.p95_ms,
            "ms",
            target=f"< {TARGET_MS:.0f} ms",
            met=saves.p95_ms < TARGET_MS,
            comparison=f"1 client: {_ms(one_save, 95):.1f} ms; {saves.per_second:.0f} saves/s, "
            f"a {PAUSE:.0f} s pause before each",
        ),
        Row(
            f"answer save: throughput, {LEARNERS} learners without pauses",
            fast.per_second,
            "req/s",
            comparison=f"p95 {fast.p95_ms:,.0f} ms, median {fast.median_ms:,.0f} ms",
        ),
        Row(
            f"submit: median, {LEARNERS} learners",
            class_submits.median_ms,
            "ms",
            comparison=f"1 client: {_ms(one_submit):.1f} ms",
        ),
        Row(
            f"submit: p95, {LEARNERS} learners",
            class_submits.p95_ms,
            "ms",
            target=f"< {TARGET_MS:.0f} ms",
            met=class_submits.p95_ms < TARGET_MS,
            comparison=f"1 client: {_ms(one_submit, 95):.1f} ms; {class_submits.per_second:.0f} "
            f"submits/s, spread over {SUBMIT_WINDOW:.0f} s",
        ),
        Row(
            f"submit: median, {LEARNERS} learners at once",
            submits.median_ms,
            "ms",
            comparison=f"1 client: {_ms(one_submit):.1f} ms",
        ),
        Row(
            f"submit: p95, {LEARNERS} learners at once",
            submits.p95_ms,
            "ms",
            comparison=f"a thundering herd: bare view, {LEARNERS} at once: "
            f"{bare_burst.p95_ms:.0f} ms; 1 client: {_ms(one_submit, 95):.1f} ms",
        ),
        Row(
            f"submit: throughput, {LEARNERS} at once",
            len(submits.latencies) / burst.seconds,
            "req/s",
            comparison=f"the last graded after {burst.seconds:.1f} s",
        ),
        Row(
            "quiz: failed requests and lost answers",
            0,
            comparison=f"of {requests:,} requests and {answers:,} answers",
        ),
        Row(
            "answer save: server CPU per request",
            save_cpu[0],
            "ms",
            comparison=_capacity(save_cpu, "saves"),
        ),
        Row(
            "submit: server CPU per request",
            submit_cpu[0],
            "ms",
            comparison=_capacity(submit_cpu, "submits"),
        ),
        Row(
            "answer save: SQL queries",
            len(save_sql),
            comparison=f"{sum(t for t, _ in save_sql) * 1000:.1f} ms in SQL, "
            f"{measured['answer save'][2] * 1000:.1f} ms in all (in-process)",
        ),
        Row(
            f"submit of {PER_QUIZ} questions: SQL queries",
            len(submit_sql),
            comparison=f"{sum(t for t, _ in submit_sql) * 1000:.1f} ms in SQL, "
            f"{measured['submit'][2] * 1000:.1f} ms in all (in-process)",
        ),
    ]
    ctx.facts["quiz"] = (
        f"{quiz.questions} questions ({', '.join(f'{n} {t}' for t, n in quiz.types)}); a "
        f"{quiz.per_quiz}-question module test, {quiz.time_limit_minutes} min; {LEARNERS} "
        f"learners, threads of {CLIENT_PROCESSES} client processes (their CPU: "
        f"{paced.client_cpu:.1f} s for the paced saves, {flat_out.client_cpu:.1f} s for the "
        f"saves without pauses, {spread.client_cpu:.2f} s and {burst.client_cpu:.2f} s for the "
        "submits spread and at once)"
    )
    return rows


BARE = Step("bare", "GET", "/bench/bare/", check=b"ok")
