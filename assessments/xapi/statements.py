"""The xAPI statements of the product's learning events, as plain data (no ORM): each event a
frozen dataclass in, each statement a dict out, ready to be POSTed to a Learning Record Store.

Five events, five verbs, each from a published vocabulary, and the voiding of one:

- a lesson completed: `http://adlnet.gov/expapi/verbs/completed` (ADL: "the actor finished
  or concluded the activity normally");
- a quiz attempt graded: `http://adlnet.gov/expapi/verbs/passed` or `.../failed` (ADL: the
  attempt reached, or missed, the quiz's pass mark), the result carrying the score (scaled,
  raw, min, max) and `success`;
- a session attended: `http://adlnet.gov/expapi/verbs/attended` (ADL: "the actor was present
  at a virtual or physical event or activity");
- a drill scored: `http://adlnet.gov/expapi/verbs/scored` (ADL: "a numerical value related
  to an actor's performance on an activity"), with the rubric's percentage;
- a certificate earned: `http://id.tincanapi.com/verb/earned` (the xAPI registry's: "the
  actor has earned or has been awarded the object"). ADL's vocabulary has no verb for being
  awarded something; this is the one LRSs and learning analytics (Open edX's among them)
  read for certificates and badges;
- a certificate revoked after its earning was sent: `http://adlnet.gov/expapi/verbs/voided`
  with the earning's statement as a StatementRef (xAPI's own way to take a statement back;
  the actor is the holder, whose record it was).

The person is an account actor: the employee number on the site's home page (the
`BASE_URL` that the certificates' verification links use). Activity ids are the site's own
addresses (the lesson's, the quiz's, the session's and the drill's pages, the certificate's
public `/verify/` page). The site's content is written in one language: a page's title is
its name under both `zh-CN` and `en-US`; the certificates' templates have both titles.

A statement's id is a UUID 5 over the site, the kind of event and the ids of what it is
about, so that the same event always gives the same statement (an LRS that has it already
keeps one) and two events never share one.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

# Verbs -------------------------------------------------------------------------------------

ADL = "http://adlnet.gov/expapi/verbs/"

COMPLETED = ADL + "completed"
PASSED = ADL + "passed"
FAILED = ADL + "failed"
ATTENDED = ADL + "attended"
SCORED = ADL + "scored"
EARNED = "http://id.tincanapi.com/verb/earned"
VOIDED = ADL + "voided"

# How each verb reads, in both languages of the site.
VERB_DISPLAY = {
    COMPLETED: {"en-US": "completed", "zh-CN": "完成了"},
    PASSED: {"en-US": "passed", "zh-CN": "通过了"},
    FAILED: {"en-US": "failed", "zh-CN": "未通过"},
    ATTENDED: {"en-US": "attended", "zh-CN": "出席了"},
    SCORED: {"en-US": "scored", "zh-CN": "得分于"},
    EARNED: {"en-US": "earned", "zh-CN": "获得了"},
    VOIDED: {"en-US": "voided", "zh-CN": "作废了"},
}

# Activity types ----------------------------------------------------------------------------

LESSON = "http://adlnet.gov/expapi/activities/lesson"
COURSE = "http://adlnet.gov/expapi/activities/course"
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
MEETING = "http://adlnet.gov/expapi/activities/meeting"
PERFORMANCE = "http://adlnet.gov/expapi/activities/performance"
CERTIFICATE = "https://www.opigno.org/en/tincan_registry/activity_type/certificate"

# The registry's extension for the number of an attempt.
ATTEMPT_NUMBER = "http://id.tincanapi.com/extension/attempt-id"

LANGUAGE = "zh-CN"


@dataclass(frozen=True)
class Site:
    """Who records: the site's root address (the actors' home page, the root of every
    activity id) and its name (the statements' platform)."""

    home_page: str
    platform: str


@dataclass(frozen=True)
class Activity:
    """A thing of the site that a statement is about: its absolute address and its name."""

    id: str
    type: str
    name_zh: str
    name_en: str

    def as_object(self) -> dict:
        return {
            "objectType": "Activity",
            "id": self.id,
            "definition": {
                "type": self.type,
                "name": {"zh-CN": self.name_zh, "en-US": self.name_en or self.name_zh},
            },
        }


# Events ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonCompleted:
    """A lesson done (recorded once per person and lesson, until a course is given again)."""

    KIND: ClassVar[str] = "lesson-completed"
    user_id: int
    person: str  # the employee number
    lesson_id: int
    lesson: Activity
    course: Activity | None
    at: datetime.datetime

    def identity(self) -> tuple:
        return (self.user_id, self.lesson_id, _instant(self.at))


@dataclass(frozen=True)
class AttemptGraded:
    """A quiz attempt with its final score: at submission, or once its essays are graded
    (a regrade that changes the score is a new event, at its own time)."""

    KIND: ClassVar[str] = "attempt-graded"
    user_id: int
    person: str
    attempt_id: int
    attempt_number: int
    quiz: Activity
    course: Activity | None
    score: Decimal
    max_score: Decimal
    percent: Decimal
    passed: bool
    at: datetime.datetime

    def identity(self) -> tuple:
        return (self.user_id, self.attempt_id, _instant(self.at))


@dataclass(frozen=True)
class SessionAttended:
    """A person present at a classroom, sharing or drill session (once per session)."""

    KIND: ClassVar[str] = "session-attended"
    user_id: int
    person: str
    session_id: int
    session: Activity
    course: Activity | None
    at: datetime.datetime

    def identity(self) -> tuple:
        return (self.user_id, self.session_id)


@dataclass(frozen=True)
class DrillScored:
    """A drill participant scored on every criterion of the rubric (a changed score is a new
    event, at its own time)."""

    KIND: ClassVar[str] = "drill-scored"
    user_id: int
    person: str
    evaluation_id: int
    drill: Activity
    session: Activity
    percent: Decimal
    at: datetime.datetime

    def identity(self) -> tuple:
        return (self.user_id, self.evaluation_id, str(self.percent), _instant(self.at))


@dataclass(frozen=True)
class CertificateEarned:
    """A certificate issued to its holder (a course's, or an assessment cycle's)."""

    KIND: ClassVar[str] = "certificate-earned"
    user_id: int
    person: str
    certificate_id: int
    certificate: Activity
    course: Activity | None
    at: datetime.datetime

    def identity(self) -> tuple:
        return (self.user_id, self.certificate_id)


@dataclass(frozen=True)
class CertificateRevoked:
    """A certificate revoked (or replaced by a re-issue) after its earning was sent: the
    statement of its earning is voided (xAPI 1.0.3, 2.3.2: the verb `voided`, the object a
    StatementRef to it), so that an LRS no longer counts it."""

    KIND: ClassVar[str] = "certificate-revoked"
    user_id: int
    person: str
    certificate_id: int
    at: datetime.datetime

    def identity(self) -> tuple:
        return (self.user_id, self.certificate_id)

    def voids(self, site: Site) -> uuid.UUID:
        """The id of the statement of the certificate's earning."""
        return _statement_id(site, CertificateEarned.KIND, self.identity())


Event = (
    LessonCompleted
    | AttemptGraded
    | SessionAttended
    | DrillScored
    | CertificateEarned
    | CertificateRevoked
)

KINDS = tuple(kind.KIND for kind in Event.__args__)


# Statements --------------------------------------------------------------------------------


def statement_id(site: Site, event: Event) -> uuid.UUID:
    """The same for the same event on the same site, different for any other."""
    return _statement_id(site, event.KIND, event.identity())


def _statement_id(site: Site, kind: str, identity: tuple) -> uuid.UUID:
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, site.home_page)
    return uuid.uuid5(namespace, "/".join([kind, *(str(part) for part in identity)]))


def statement(site: Site, event: Event) -> dict:
    """The xAPI 1.0.3 statement of `event`, as JSON-ready data."""
    if isinstance(event, CertificateRevoked):
        return {
            "id": str(statement_id(site, event)),
            "actor": _actor(site, event.person),
            "verb": {"id": VOIDED, "display": VERB_DISPLAY[VOIDED]},
            "object": {"objectType": "StatementRef", "id": str(event.voids(site))},
            # No platform: xAPI allows it only when the object is an activity.
            "context": {"language": LANGUAGE},
            "timestamp": timestamp(event.at),
        }
    verb, target, result, context = _parts(event)
    made = {
        "id": str(statement_id(site, event)),
        "actor": _actor(site, event.person),
        "verb": {"id": verb, "display": VERB_DISPLAY[verb]},
        "object": target.as_object(),
        "context": {"platform": site.platform, "language": LANGUAGE, **context},
        "timestamp": timestamp(event.at),
    }
    if result:
        made["result"] = result
    return made


def _actor(site: Site, person: str) -> dict:
    return {"objectType": "Agent", "account": {"homePage": site.home_page, "name": person}}


def _parts(event: Event) -> tuple[str, Activity, dict, dict]:
    """The verb, the object, the result and the context of `event`."""
    match event:
        case LessonCompleted():
            return COMPLETED, event.lesson, {"completion": True}, _parent(event.course)
        case AttemptGraded():
            context = _parent(event.course)
            context["extensions"] = {ATTEMPT_NUMBER: event.attempt_number}
            result = {
                "score": _score(event.percent, event.score, event.max_score),
                "success": event.passed,
                "completion": True,
            }
            return (PASSED if event.passed else FAILED), event.quiz, result, context
        case SessionAttended():
            return ATTENDED, event.session, {}, _parent(event.course)
        case DrillScored():
            result = {"score": _score(event.percent, event.percent, Decimal(100))}
            return SCORED, event.drill, result, _parent(event.session)
        case CertificateEarned():
            return EARNED, event.certificate, {}, _parent(event.course)
    raise TypeError(f"Not an event: {event!r}")


def _parent(activity: Activity | None) -> dict:
    if activity is None:
        return {}
    return {"contextActivities": {"parent": [activity.as_object()]}}


def _score(percent: Decimal, raw: Decimal, top: Decimal) -> dict:
    """xAPI's score: `scaled` from 0 to 1, and the raw score with its range when it is one
    (xAPI wants min < max and raw between them)."""
    scaled = min(max(Decimal(percent) / 100, Decimal(0)), Decimal(1))
    score = {"scaled": _number(scaled)}
    if top > 0 and 0 <= raw <= top:
        score.update(raw=_number(raw), min=0, max=_number(top))
    return score


def _number(value: Decimal) -> int | float:
    """A decimal as JSON's number: whole numbers as integers, others as the nearest float."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _instant(at: datetime.datetime) -> str:
    """An aware moment in UTC, to the microsecond: the same instant always reads the same."""
    return at.astimezone(datetime.UTC).isoformat()


def timestamp(at: datetime.datetime) -> str:
    """xAPI's timestamp: UTC, to the millisecond (what LRSs keep)."""
    return at.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
