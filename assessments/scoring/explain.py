"""A result's explanation in plain words: pure, no ORM, no request.

`explain(result, policy)` turns what `scoring.assess` keeps with a result (the explanation
dicts of each part) into translated sentences a courier understands: which quizzes and
attempts counted, which surveys and complaints, each efficiency measure against its target,
each teamwork evaluation, and how the overall score, the grade and the eligibility came
about. Numbers are formatted in the active language. `result` is a stored
`AssessmentResult` or a `scoring.Assessment`; `policy` (the cycle's) adds the weights,
floors and bands to the sentences, which otherwise say less but still read right.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from assessments.scoring import arithmetic
from assessments.scoring.labels import (
    CATEGORY_LABELS,
    EVALUATION_LABELS,
    GRADE_LABELS,
    MEASURE_LABELS,
    PART_LABELS,
    POSITION_LABELS,
    SOURCE_LABELS,
    plain,
)
from lms.platform.wording import listed

PARTS_AND_OVERALL = (*arithmetic.PARTS, "overall")


MINUS = "\u2212"


TIMES = "\u00d7"


@dataclass(frozen=True)
class Line:
    text: str
    attention: bool = False  # counts against the person: a missed quiz, a complaint, a reason


@dataclass(frozen=True)
class PartExplained:
    part: str  # knowledge, satisfaction, efficiency, teamwork, overall
    label: str
    score: Decimal | None  # None: no data
    score_text: str
    summary: str
    lines: tuple[Line, ...]
    not_applicable: bool = False  # the part does not apply to the position: not "no data"

    @property
    def has_data(self) -> bool:
        return self.score is not None


def part_label(part: str) -> str:
    return str(_("Overall") if part == "overall" else PART_LABELS.get(part, part))


def number(value, places: int | None = None) -> str:
    """A number as the active language writes it: 1,130 and 94.2 in English. Without
    `places`, trailing zeros go (5.00 -> 5)."""
    try:
        value = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if places is None:
        value = plain(value)
    return formats.number_format(value, decimal_pos=places, force_grouping=True)


def score_text(score: Decimal | None, not_applicable: bool = False) -> str:
    if score is None:
        return _("Not applicable") if not_applicable else _("No data")
    return number(score, 1)


def _date(value) -> str:
    """An ISO date (as explanations keep it) as the active language writes a day."""
    try:
        day = datetime.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return formats.date_format(day, "DATE_FORMAT")


def _weight(text: str, weight, show: bool = True) -> str:
    if not show:
        return text
    return _("%(text)s (weight %(weight)s)") % {"text": text, "weight": number(weight)}


# The parts ---------------------------------------------------------------------------------


def _knowledge(score, data: dict, policy) -> tuple[str, list[Line]]:
    quizzes = data.get("quizzes") or []
    if data.get("not_applicable"):
        return _not_applicable("knowledge", data), []
    if not quizzes:
        return _("No quiz is required in this cycle: no data."), []
    rule = data.get("rule", "best")
    weights = {str(q.get("weight")) for q in quizzes}
    show_weight = len(weights) > 1
    lines = []
    for quiz in quizzes:
        params = {"title": quiz.get("title", ""), "percent": number(quiz.get("percent"), 1)}
        if quiz.get("missing"):
            text = _("Required quiz “%(title)s”: not attempted, so it counts 0") % params
            lines.append(Line(_weight(text, quiz.get("weight"), show_weight), attention=True))
            continue
        if rule == "latest":
            text = _("“%(title)s”: your latest attempt, %(percent)s") % params
        elif rule == "mean":
            count = len(quiz.get("attempts") or [])
            params["count"] = count
            text = (
                ngettext(
                    "“%(title)s”: the mean of your %(count)s attempt, %(percent)s",
                    "“%(title)s”: the mean of your %(count)s attempts, %(percent)s",
                    count,
                )
                % params
            )
        else:
            text = _("“%(title)s”: the best of your attempts, %(percent)s") % params
        lines.append(Line(_weight(text, quiz.get("weight"), show_weight)))
    if score is None:
        return _("No data."), lines
    params = {"count": len(quizzes), "score": number(score, 1)}
    if show_weight:
        summary = ngettext(
            "The weighted mean of %(count)s required quiz: %(score)s",
            "The weighted mean of %(count)s required quizzes: %(score)s",
            len(quizzes),
        )
    else:
        summary = ngettext(
            "The mean of %(count)s required quiz: %(score)s",
            "The mean of %(count)s required quizzes: %(score)s",
            len(quizzes),
        )
    return summary % params, lines


_NO_HANDLER = {
    "late": gettext_lazy("its first reply came after 24 hours"),
    "awaiting": gettext_lazy("it is awaiting a reply, within 24 hours"),
    "in_time": gettext_lazy("its first reply came within 24 hours"),
}


def _complaint_line(complaint: dict, policy) -> Line:
    params = {
        "reference": complaint.get("reference", ""),
        "category": CATEGORY_LABELS.get(complaint.get("category"), complaint.get("category")),
    }
    penalty = Decimal(str(complaint.get("penalty", "0")))
    if "late_reply" not in complaint:  # explained since handlers were recorded
        reply = complaint.get("reply")
        if not complaint.get("no_handler"):
            params["penalty"] = MINUS + number(penalty)
            text = _("Complaint %(reference)s (%(category)s), the company at fault: %(penalty)s")
            return Line(text % params, attention=True)
        params["reply"] = _NO_HANDLER.get(reply, "")
        if complaint.get("at_fault"):
            params["penalty"] = MINUS + number(penalty)
            text = _(
                "Complaint %(reference)s (%(category)s), the company at fault: %(penalty)s. "
                "No handler is recorded for it, so its reply time is charged to no one "
                "(%(reply)s)."
            )
        else:
            text = _(
                "Complaint %(reference)s (%(category)s), not the company's fault: no "
                "penalty. No handler is recorded for it, so its reply time is charged to no "
                "one (%(reply)s)."
            )
        return Line(text % params, attention=bool(complaint.get("at_fault")))
    if not complaint.get("late_reply"):
        params["penalty"] = MINUS + number(penalty)
        text = _("Complaint %(reference)s (%(category)s), the company at fault: %(penalty)s")
    elif policy is not None:
        late = min(penalty, policy.late_reply_penalty)
        params["penalty"] = MINUS + number(penalty - late)
        params["late"] = MINUS + number(late)
        text = _(
            "Complaint %(reference)s (%(category)s), the company at fault: %(penalty)s; "
            "first reply after 24 hours: %(late)s more"
        )
    else:
        params["penalty"] = MINUS + number(penalty)
        text = _(
            "Complaint %(reference)s (%(category)s), the company at fault and the first "
            "reply after 24 hours: %(penalty)s"
        )
    return Line(text % params, attention=True)


def _satisfaction(score, data: dict, policy) -> tuple[str, list[Line]]:
    lines = []
    for source in data.get("sources") or []:
        count = source.get("count", 0)
        params = {
            "source": SOURCE_LABELS.get(source.get("source"), source.get("source")),
            "count": number(count),
            "mean": number(source.get("mean"), 1),
            "weight": number(source.get("weight")),
        }
        lines.append(
            Line(
                ngettext(
                    "%(source)s: %(count)s survey, mean %(mean)s of 100 (weight %(weight)s)",
                    "%(source)s: %(count)s surveys, mean %(mean)s of 100 (weight %(weight)s)",
                    count,
                )
                % params
            )
        )
    complaints = data.get("complaints") or []
    lines.extend(_complaint_line(complaint, policy) for complaint in complaints)
    lines.extend(_handled_lines(data.get("handled")))
    if data.get("not_applicable"):
        return _not_applicable("satisfaction", data), lines
    if score is None:
        if data.get("sources"):
            return _("No survey source counts under this cycle's policy: no data."), lines
        return _("No customer survey in this cycle: no data."), lines
    penalty = Decimal(str(data.get("penalty", "0")))
    params = {
        "mean": number(data.get("survey_mean"), 1),
        "penalty": number(penalty),
        "score": number(score, 1),
    }
    if penalty > 0:
        summary = _("Survey mean %(mean)s, minus %(penalty)s for complaints: %(score)s")
    else:
        summary = _("Survey mean, with no complaint against you: %(score)s")
    return summary % params, lines


def _handled_lines(handled: dict | None) -> list[Line]:
    """The complaints the person handled (投诉处理人员, manual 4.3.1): how many, and each one
    replied to late or still awaiting its first reply."""
    if not handled:
        return []
    count = handled.get("count", 0)
    params = {
        "count": number(count),
        "late": number(handled.get("late", 0)),
        "awaiting": number(handled.get("awaiting", 0)),
    }
    lines = [
        Line(
            ngettext(
                "You handled %(count)s complaint: %(late)s first replied to after 24 hours, "
                "%(awaiting)s awaiting a reply",
                "You handled %(count)s complaints: %(late)s first replied to after 24 hours, "
                "%(awaiting)s awaiting a reply",
                count,
            )
            % params
        )
    ]
    for complaint in handled.get("complaints") or []:
        line = {
            "reference": complaint.get("reference", ""),
            "category": CATEGORY_LABELS.get(complaint.get("category"), complaint.get("category")),
            "penalty": MINUS + number(complaint.get("penalty", "0")),
        }
        if complaint.get("reply") == "late":
            text = _(
                "Complaint %(reference)s (%(category)s), which you handled: first reply after "
                "24 hours: %(penalty)s"
            )
            lines.append(Line(text % line, attention=True))
        else:
            text = _(
                "Complaint %(reference)s (%(category)s), which you handled: awaiting a reply, "
                "less than 24 hours so far: no penalty"
            )
            lines.append(Line(text % line))
    return lines


def _not_applicable(part: str, data: dict) -> str:
    position = data.get("position", "")
    params = {"position": POSITION_LABELS.get(position, position), "part": part_label(part)}
    if data.get("if_data"):
        return (
            _(
                "Not applicable to this position: for %(position)s, %(part)s counts only "
                "when there is data, and this cycle has none."
            )
            % params
        )
    return _("Not applicable to this position (%(position)s): left out.") % params


def _efficiency(score, data: dict, policy) -> tuple[str, list[Line]]:
    position = data.get("position", "")
    position_label = POSITION_LABELS.get(position, position)
    measures = data.get("measures") or []
    if data.get("not_applicable"):
        return _not_applicable("efficiency", data), []
    if not measures:
        return (
            _("No efficiency measure applies to the position %(position)s: no data.")
            % {"position": position_label}
        ), []
    lines = []
    for line in measures:
        label = MEASURE_LABELS.get(line.get("measure"), line.get("measure"))
        if not line.get("denominator"):
            lines.append(Line(_("%(measure)s: no data in this cycle") % {"measure": label}))
            continue
        params = {
            "measure": label,
            "numerator": number(line.get("numerator")),
            "denominator": number(line.get("denominator")),
            "rate": number(line.get("rate"), 1),
            "target": number(line.get("target"), 1),
            "score": number(line.get("score"), 1),
        }
        if "zero" in line:  # scored on a band
            params["zero"] = number(line.get("zero"), 1)
            if line.get("measure") == "accuracy":
                text = ngettext(
                    "%(measure)s: %(numerator)s error in %(denominator)s items handled = "
                    "%(rate)s%% right; %(zero)s%% scores 0 and %(target)s%% scores 100 → "
                    "%(score)s",
                    "%(measure)s: %(numerator)s errors in %(denominator)s items handled = "
                    "%(rate)s%% right; %(zero)s%% scores 0 and %(target)s%% scores 100 → "
                    "%(score)s",
                    line.get("numerator") or 0,
                )
            else:
                text = _(
                    "%(measure)s: %(numerator)s of %(denominator)s = %(rate)s%%; "
                    "%(zero)s%% scores 0 and %(target)s%% scores 100 → %(score)s"
                )
            below = Decimal(str(line.get("score", "100"))) < 100
            lines.append(Line(_weight(text % params, line.get("weight", "1")), attention=below))
            continue
        if line.get("measure") == "accuracy":
            text = (
                ngettext(
                    "%(measure)s: %(numerator)s error in %(denominator)s items handled = "
                    "%(rate)s%% right, against a target of %(target)s%% → %(score)s",
                    "%(measure)s: %(numerator)s errors in %(denominator)s items handled = "
                    "%(rate)s%% right, against a target of %(target)s%% → %(score)s",
                    line.get("numerator") or 0,
                )
                % params
            )
        else:
            text = (
                _(
                    "%(measure)s: %(numerator)s of %(denominator)s = %(rate)s%%, "
                    "against a target of %(target)s%% → %(score)s"
                )
                % params
            )
        below = Decimal(str(line.get("score", "100"))) < 100
        lines.append(Line(_weight(text, line.get("weight", "1")), attention=below))
    if score is None:
        return (
            _("No efficiency data for the position %(position)s in this cycle: no data.")
            % {"position": position_label}
        ), lines
    counted = sum(1 for line in measures if line.get("denominator"))
    summary = ngettext(
        "The weighted mean of %(count)s measure with data, for the position %(position)s: "
        "%(score)s",
        "The weighted mean of %(count)s measures with data, for the position %(position)s: "
        "%(score)s",
        counted,
    )
    return summary % {"count": counted, "position": position_label, "score": number(score, 1)}, (
        lines
    )


def _teamwork(score, data: dict, policy) -> tuple[str, list[Line]]:
    evaluations = data.get("evaluations") or []
    lines = []
    for evaluation in evaluations:
        params = {
            "source": EVALUATION_LABELS.get(evaluation.get("source"), evaluation.get("source")),
            "score": number(evaluation.get("score")),
            "max": number(evaluation.get("max")),
            "percent": number(evaluation.get("percent"), 1),
        }
        if evaluation.get("title") and evaluation.get("date"):
            params["title"] = evaluation["title"]
            params["date"] = _date(evaluation["date"])
            params["session"] = evaluation.get("session") or ""
            if params["session"] and params["session"] != params["title"]:
                if Decimal(str(evaluation.get("max", "0"))) == 100:
                    text = _("“%(title)s” (session “%(session)s” of %(date)s): %(score)s of 100")
                else:
                    text = _(
                        "“%(title)s” (session “%(session)s” of %(date)s): %(score)s of "
                        "%(max)s = %(percent)s"
                    )
            elif Decimal(str(evaluation.get("max", "0"))) == 100:
                text = _("“%(title)s” (the session of %(date)s): %(score)s of 100")
            else:
                text = _(
                    "“%(title)s” (the session of %(date)s): %(score)s of %(max)s = %(percent)s"
                )
            text = text % params
        elif Decimal(str(evaluation.get("max", "0"))) == 100:
            text = _("%(source)s: %(score)s of 100") % params
        else:
            text = _("%(source)s: %(score)s of %(max)s = %(percent)s") % params
        lines.append(Line(text))
    if data.get("not_applicable"):
        return _not_applicable("teamwork", data), lines
    if score is None or not evaluations:
        return _(
            "No drill, team project or communication case evaluation in this cycle: no data."
        ), lines
    summary = ngettext(
        "The mean of %(count)s evaluation: %(score)s",
        "The mean of %(count)s evaluations: %(score)s",
        len(evaluations),
    )
    return summary % {"count": len(evaluations), "score": number(score, 1)}, lines


PART_EXPLAINERS = {
    "knowledge": _knowledge,
    "satisfaction": _satisfaction,
    "efficiency": _efficiency,
    "teamwork": _teamwork,
}


# The overall score, the grade, the eligibility ---------------------------------------------


def grade_text(grade: str | None) -> str:
    return str(GRADE_LABELS[grade]) if grade in GRADE_LABELS else _("No grade")


def reason_text(code: str, policy: arithmetic.Policy | None = None) -> str:
    """Why a person is not eligible, in words: codes no_<part>, low_<part>, low_overall."""
    if code == "low_overall":
        if policy is None:
            return _("The overall score is below the pass mark.")
        return _("The overall score is below the pass mark of %(mark)s.") % {
            "mark": number(policy.pass_mark)
        }
    kind, _sep, part = code.partition("_")
    if part not in PART_LABELS:
        return code
    label = part_label(part)
    if kind == "no":
        return _("%(part)s has no data.") % {"part": label}
    if kind == "low":
        floor = policy.floors.get(part) if policy is not None else None
        if floor is None:
            return _("%(part)s is below its floor.") % {"part": label}
        return _("%(part)s is below its floor of %(floor)s.") % {
            "part": label,
            "floor": number(floor),
        }
    return code


def _grade_line(grade: str | None, policy) -> str:
    params = {"grade": grade_text(grade)}
    if policy is not None and policy.bands:
        minimums = {band.code: band.minimum for band in policy.bands}
        if grade in minimums:
            params["minimum"] = number(minimums[grade])
            return _("Grade: %(grade)s (%(minimum)s and above)") % params
        if grade == "fail":
            params["minimum"] = number(policy.pass_mark)
            return _("Grade: %(grade)s (below %(minimum)s)") % params
    return _("Grade: %(grade)s") % params


def _overall(
    scores: dict, grade, eligible: bool, reasons, policy, not_applicable=frozenset()
) -> tuple[str, list[Line]]:
    present = [part for part in arithmetic.PARTS if scores.get(part) is not None]
    overall = scores.get("overall")
    lines = []
    if overall is None or not present:
        summary = _("No part has data, so there is no overall score.")
    elif policy is not None:
        weights = {part: policy.part_weights.get(part, Decimal(0)) for part in present}
        total = sum(weights.values(), Decimal(0))
        if total > 0:
            terms = " + ".join(
                f"{part_label(part)} {number(scores[part], 1)} {TIMES} {number(weights[part])}"
                for part in present
            )
            summary = _("The weighted mean of the parts with data: (%(terms)s) ÷ %(total)s") % {
                "terms": terms,
                "total": number(total),
            }
        else:
            summary = _("The mean of the parts with data")
        summary = _("%(how)s = %(score)s") % {"how": summary, "score": number(overall, 1)}
    else:
        summary = _("The weighted mean of the parts with data: %(score)s") % {
            "score": number(overall, 1)
        }
    missing = [
        part_label(part)
        for part in arithmetic.PARTS
        if part not in present and part not in not_applicable
    ]
    if missing and present:
        lines.append(
            Line(_("Left out, as they have no data: %(parts)s") % {"parts": listed(missing)})
        )
    left_out = [part_label(part) for part in arithmetic.PARTS if part in not_applicable]
    if left_out:
        lines.append(
            Line(
                _(
                    "Left out, as they do not apply to this position (the weights of the "
                    "others count in full): %(parts)s"
                )
                % {"parts": listed(left_out)}
            )
        )
    if overall is not None:
        lines.append(Line(_grade_line(grade, policy), attention=grade == "fail"))
    if eligible:
        lines.append(Line(_("Eligible for a certificate.")))
    else:
        lines.append(Line(_("Not eligible for a certificate yet:"), attention=True))
        lines.extend(Line(reason_text(code, policy), attention=True) for code in reasons)
    return summary, lines


# The whole ---------------------------------------------------------------------------------


def _read(result) -> tuple[dict, dict, str | None, bool, tuple[str, ...]]:
    if isinstance(result, arithmetic.Assessment):
        scores = {part: result.score(part) for part in PARTS_AND_OVERALL}
        explanation = {name: part.explanation for name, part in result.parts.items()}
    else:
        scores = {part: getattr(result, part) for part in PARTS_AND_OVERALL}
        explanation = result.explanation or {}
    return scores, explanation, result.grade or None, result.eligible, tuple(result.reasons)


def explain(result, policy: arithmetic.Policy | None = None) -> list[PartExplained]:
    """The four parts and the overall score, each with a summary and its lines."""
    scores, explanation, grade, eligible, reasons = _read(result)
    explained = []
    not_applicable = set()
    for part in arithmetic.PARTS:
        data = explanation.get(part) or {}
        summary, lines = PART_EXPLAINERS[part](scores[part], data, policy)
        missing = bool(data.get("not_applicable")) and scores[part] is None
        if missing:
            not_applicable.add(part)
        explained.append(
            PartExplained(
                part,
                part_label(part),
                scores[part],
                score_text(scores[part], missing),
                summary,
                tuple(lines),
                missing,
            )
        )
    summary, lines = _overall(scores, grade, eligible, reasons, policy, not_applicable)
    explained.append(
        PartExplained(
            "overall",
            part_label("overall"),
            scores["overall"],
            score_text(scores["overall"]),
            summary,
            tuple(lines),
        )
    )
    return explained
