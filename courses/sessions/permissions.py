"""Who may come to, schedule, run and score live sessions.

Every rule is built on the staff scope of `lms.permissions` (`staff_scope`: everyone for HR
and administrators, the units they are assigned to for a trainer, oneself for anyone else), and
each has its two faces side by side: the answer for one object and the `Q` filter for lists.

- **Who comes** (`in_audience`): a session is for the staff of its units (and of the units
  below them), or for everyone when `audience_everyone` is set; the positions, when given,
  narrow either. A session with neither units nor the flag is for nobody: an empty list of
  units never means everyone.
- **Who runs a session** (`RunRule`: `can_run` / `runnable`; attendance, the check-in code,
  scoring, changing or cancelling it): its trainer; a lead trainer or an administrator when
  the session's whole audience lies within their staff scope (an administrator's scope is
  everyone; a session for everyone lies within the scope only of someone who sees everyone).
- **Whom a runner acts on** (`ParticipantRule`: `allows` / `q`; attendance rows, walk-ins,
  the check-in count, scoring, evidence): the people of the session's audience whom the runner
  may see. Anyone else is invisible to the runner: not listed, not counted, and asked for by
  an employee number they answer as a number nobody has. A learner's own check-in follows the
  same rule for the session's trainer, so that nobody is present whom the trainer cannot see.
- **The audience chosen** when scheduling or changing a session (`audience_problems`): its
  units lie within the staff scope of the person scheduling and of the session's trainer, so
  that a trainer can act on everyone who may come. "Everyone" is a choice of its own, open
  only when both see everyone: HR and administrators, or a trainer assigned to the top of
  the organisation (HR does not schedule, so in practice an administrator).
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from courses.models.live import SessionState, TrainingSession
from lms.models.org import OrgUnit
from lms.permissions import StaffScope, person_visibility, staff_scope, staff_visibility
from lms.roles import HR_ROLES, SESSION_RUNNERS, Role, has_role

# Scopes and units ------------------------------------------------------------------------


def _inside(path: str, scope: StaffScope) -> bool:
    """Whether the unit at `path` (and so everyone under it) lies within `scope`."""
    return scope.everyone or any(path.startswith(own) for own in scope.unit_paths)


def sees_everyone(user) -> bool:
    """HR and administrators; a trainer whose units hold every top unit of the organisation."""
    scope = staff_scope(user)
    if scope.everyone:
        return True
    if not scope.unit_paths:
        return False
    roots = list(OrgUnit.get_root_nodes().values_list("path", flat=True))
    return bool(roots) and all(_inside(path, scope) for path in roots)


# Who may come ----------------------------------------------------------------------------


def in_audience(user, session: TrainingSession) -> bool:
    profile = getattr(user, "profile", None)
    if session.audience_positions and (
        profile is None or profile.position not in session.audience_positions
    ):
        return False
    if session.audience_everyone:
        return True
    if profile is None or profile.org_unit is None:
        return False
    return any(profile.org_unit.path.startswith(u.path) for u in session.audience_units.all())


def _audience_q(session: TrainingSession, via: str = "user__profile") -> Q:
    """`in_audience` as a filter on a model with a `user` (sign-ups, drill evaluations)."""
    q = Q()
    if session.audience_positions:
        q &= Q(**{f"{via}__position__in": list(session.audience_positions)})
    if not session.audience_everyone:
        units = [Q(**{f"{via}__org_unit__path__startswith": u.path}) for u in _units(session)]
        q &= reduce(or_, units) if units else Q(pk__in=[])
    return q


def _units(session: TrainingSession) -> list[OrgUnit]:
    return list(session.audience_units.all())  # prefetched by the views that run sessions


# Who runs a session ---------------------------------------------------------------------------


def _runs_within_scope(user) -> bool:
    return has_role(user, Role.LEAD_TRAINER, Role.ADMINISTRATOR)


def _audience_within(user, session: TrainingSession) -> bool:
    scope = staff_scope(user)
    if scope.everyone:
        return True
    if session.audience_everyone:
        return sees_everyone(user)
    units = _units(session)
    return bool(units) and all(_inside(unit.path, scope) for unit in units)


class RunRule:
    """The sessions a person runs: their own; a lead trainer's or an administrator's also
    those whose whole audience lies within their staff scope."""

    def runnable(self, user) -> Q:
        own = Q(trainer_id=user.pk)
        if not _runs_within_scope(user):
            return own
        scope = staff_scope(user)
        if scope.everyone:
            return Q()
        if not scope.unit_paths:
            return own
        through = TrainingSession.audience_units.through.objects.filter(
            trainingsession_id=OuterRef("pk")
        )
        inside = reduce(or_, (Q(orgunit__path__startswith=path) for path in scope.unit_paths))
        within = (
            Q(audience_everyone=False) & Q(Exists(through)) & ~Q(Exists(through.exclude(inside)))
        )
        if sees_everyone(user):
            within |= Q(audience_everyone=True)
        return own | within

    def can_run(self, user, session: TrainingSession) -> bool:
        if session.trainer_id == user.pk:
            return True
        return _runs_within_scope(user) and _audience_within(user, session)


run_rule = RunRule()


def may_run(user, session: TrainingSession) -> bool:
    """The session's trainer; a lead trainer or an administrator within their scope."""
    return run_rule.can_run(user, session)


def sessions_runnable_by(user) -> QuerySet[TrainingSession]:
    """The sessions `user` may run that are not cancelled."""
    sessions = TrainingSession.objects.exclude(state=SessionState.CANCELLED)
    return sessions.filter(run_rule.runnable(user))


def may_run_sessions(user) -> bool:
    """Trainers, lead trainers and administrators run sessions (and see the ones to run)."""
    return has_role(user, *SESSION_RUNNERS)


# Whom a runner acts on ---------------------------------------------------------------------


class ParticipantRule:
    """The people of a session `user` may act on: in its audience and visible to `user`."""

    def q(self, user, session: TrainingSession) -> Q:
        """On a model with a `user` (sign-ups, drill evaluations)."""
        return _audience_q(session) & person_visibility.q(user)

    def allows(self, user, session: TrainingSession, person) -> bool:
        if not in_audience(person, session):
            return False
        profile = getattr(person, "profile", None)
        if profile is None:
            return staff_scope(user).everyone
        return staff_visibility.allows(user, profile)


participant_rule = ParticipantRule()


def may_act_on(user, session: TrainingSession, person) -> bool:
    """Whether `user` runs `session` and may mark, check in or score `person` in it."""
    return may_run(user, session) and participant_rule.allows(user, session, person)


def may_check_in(person, session: TrainingSession) -> bool:
    """A learner checks in to a session of their audience whose trainer may see them."""
    return participant_rule.allows(session.trainer, session, person)


def may_read_evidence(user, evaluation) -> bool:
    """A drill score's evidence: the participant, those who may score them, HR and admins."""
    return (
        evaluation.user_id == user.pk
        or may_act_on(user, evaluation.session, evaluation.user)
        or has_role(user, *HR_ROLES)
    )


# Scheduling ------------------------------------------------------------------------------


def may_schedule(user) -> bool:
    """Trainers, lead trainers and administrators schedule sessions."""
    return has_role(user, *SESSION_RUNNERS)


def may_assign_trainer(user) -> bool:
    """A lead trainer or an administrator may schedule a session for another trainer."""
    return _runs_within_scope(user)


def may_open_to_everyone(user) -> bool:
    """Whether `user` may choose "everyone" as a session's audience."""
    return sees_everyone(user)


def audience_problems(*, by, trainer, units, everyone: bool) -> list[str]:
    """What is wrong with an audience `by` chooses for a session led by `trainer`: nothing
    (an empty list), or the reasons, for the person, to show on the form."""
    units = list(units or [])
    if everyone:
        problems = []
        if units:
            problems.append(_("A session for everyone has no units: leave them all unticked."))
        if not sees_everyone(by):
            problems.append(
                _("Only someone who sees all the staff may open a session to everyone.")
            )
        elif trainer is not None and not sees_everyone(trainer):
            problems.append(
                _("The trainer does not look after all the staff: choose the units it is for.")
            )
        return problems
    if not units:
        if sees_everyone(by):
            return [_("Choose the units the session is for, or tick “Everyone”.")]
        return [_("Choose the units the session is for.")]
    problems = []
    mine, theirs = staff_scope(by), staff_scope(trainer) if trainer is not None else None
    for unit in sorted(units, key=lambda unit: unit.path):
        if not _inside(unit.path, mine):
            problems.append(_("%(unit)s is outside the units you look after.") % {"unit": unit})
        elif theirs is not None and not _inside(unit.path, theirs):
            problems.append(
                _("%(unit)s is outside the units the trainer looks after.") % {"unit": unit}
            )
    return problems
