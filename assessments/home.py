"""The assessments app's sections of the home page's "what needs me today"
(`lms.platform.home`): the learner's latest result and answers to their questions; the
trainer's answers to grade; HR's open cycle, imports to confirm, appeals, certificates to issue,
print or renew. Each reads through its feature's selectors, in a fixed number of queries."""

from __future__ import annotations

from assessments.certificates import selectors as certificate_selectors
from assessments.certificates.permissions import may_manage_certificates
from assessments.cycles import selectors as cycle_selectors
from assessments.cycles.compute import cycles_progress
from assessments.cycles.permissions import may_run_cycles
from assessments.imports import selectors as import_selectors
from assessments.imports.permissions import may_import_data
from assessments.models.cycles import CycleState
from assessments.quizzes import selectors as quiz_selectors
from assessments.quizzes.permissions import may_read_results
from assessments.scoring.explain import grade_text
from lms.platform.home import Audience, HomeSection, home_sections


def latest_result(request, user):
    result = cycle_selectors.latest_result_of(user)
    if result is None:
        return None
    return {"result": result, "grade": grade_text(result.grade)}


def answers(request, user):
    appeals = cycle_selectors.recent_answers_to(user)
    return {"appeals": appeals} if appeals else None


def grading(request, user):
    if not may_read_results(user):
        return None
    count = quiz_selectors.grading_waiting_count(user)
    return {"count": count} if count else None


# HR's sections read what they show from one reading per request (`_hr_today`): the cycles
# (open ones, appeals, certificates to issue) in one query, the certificates' counts in one.

OPEN_CYCLES_SHOWN = 3


def _hr_today(request, part: str):
    """One part of HR's "today" ("cycles" or "certificates"), read once per request."""
    cache = request.__dict__.setdefault("_hr_today", {})
    if part not in cache:
        if part == "cycles":
            cache[part] = certificate_selectors.cycles_today(limit_open=OPEN_CYCLES_SHOWN)
        else:
            cache[part] = certificate_selectors.certificate_counts()
    return cache[part]


def open_cycles(request, user):
    """Each cycle not finalised, and what it waits for: computing now, to compute (a draft),
    appeals to answer, or to finalise."""
    if not may_run_cycles(user):
        return None
    rows = []
    cycles = _hr_today(request, "cycles")["open"]
    progress = cycles_progress(cycles)  # one query (the tasks), one cache read
    for cycle in cycles:
        percent = progress[cycle.pk]
        if percent is not None:
            step = "computing"
        elif cycle.state == CycleState.DRAFT:
            step = "to_compute"
        elif cycle.open_appeals:
            step = "appeals"
        else:
            step = "to_finalise"
        rows.append({"cycle": cycle, "step": step, "percent": percent})
    return {"rows": rows} if rows else None


def imports_waiting(request, user):
    if not may_import_data(user):
        return None
    batches = import_selectors.waiting_for_confirmation()
    return {"batches": batches} if batches else None


def appeals_waiting(request, user):
    if not may_run_cycles(user):
        return None
    count = _hr_today(request, "cycles")["appeals"]
    return {"count": count} if count else None


def certificates(request, user):
    if not may_manage_certificates(user):
        return None
    to_issue = _hr_today(request, "cycles")["to_issue"]
    counts = _hr_today(request, "certificates")
    if not (to_issue or counts["to_print"] or counts["expiring"]):
        return None
    return {"to_issue": to_issue, **counts}


def register() -> None:
    for section in (
        HomeSection("assessments.latest_result", Audience.LEARNER,
                    "assessments/home/latest_result.html", latest_result, order=40),
        HomeSection("assessments.answers", Audience.LEARNER, "assessments/home/answers.html",
                    answers, order=50),
        HomeSection("assessments.grading", Audience.TRAINER, "assessments/home/grading.html",
                    grading, order=10),
        HomeSection("assessments.open_cycles", Audience.HR,
                    "assessments/home/open_cycles.html", open_cycles, order=10),
        HomeSection("assessments.imports_waiting", Audience.HR,
                    "assessments/home/imports_waiting.html", imports_waiting, order=20),
        HomeSection("assessments.appeals_waiting", Audience.HR,
                    "assessments/home/appeals_waiting.html", appeals_waiting, order=30),
        HomeSection("assessments.certificates", Audience.HR,
                    "assessments/home/certificates.html", certificates, order=40),
    ):  # fmt: skip
        home_sections.register(section)
