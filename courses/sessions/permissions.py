"""Who may come to, schedule, run and score live sessions.

Running a session (attendance, the check-in code, scoring a drill, changing or cancelling it)
is one rule with two faces, `can_run` for one session and `runnable` for lists: its trainer;
any session for a lead trainer or an administrator.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from courses.models.live import SessionState, TrainingSession
from lms.roles import HR_ROLES, SESSION_RUNNERS, Role, has_role

# Who may come ----------------------------------------------------------------------------


def in_audience(user, session: TrainingSession) -> bool:
    profile = getattr(user, "profile", None)
    if session.audience_positions and (
        profile is None or profile.position not in session.audience_positions
    ):
        return False
    units = list(session.audience_units.all())
    if units:
        if profile is None or profile.org_unit is None:
            return False
        return any(profile.org_unit.path.startswith(unit.path) for unit in units)
    return True


# Who runs a session ---------------------------------------------------------------------------


def _runs_every_session(user) -> bool:
    return has_role(user, Role.LEAD_TRAINER, Role.ADMINISTRATOR)


class RunRule:
    """The sessions a person runs: their own; every one for lead trainers and administrators."""

    def runnable(self, user) -> Q:
        return Q() if _runs_every_session(user) else Q(trainer_id=user.pk)

    def can_run(self, user, session: TrainingSession) -> bool:
        return session.trainer_id == user.pk or _runs_every_session(user)


run_rule = RunRule()


def may_run(user, session: TrainingSession) -> bool:
    """The session's trainer, a lead trainer or an administrator."""
    return run_rule.can_run(user, session)


def sessions_runnable_by(user) -> QuerySet[TrainingSession]:
    """The sessions `user` may run that are not cancelled."""
    sessions = TrainingSession.objects.exclude(state=SessionState.CANCELLED)
    return sessions.filter(run_rule.runnable(user))


def may_run_sessions(user) -> bool:
    """Trainers, lead trainers and administrators run sessions (and see the ones to run)."""
    return has_role(user, *SESSION_RUNNERS)


def may_schedule(user) -> bool:
    """Trainers, lead trainers and administrators schedule sessions."""
    return has_role(user, *SESSION_RUNNERS)


def may_assign_trainer(user) -> bool:
    """A lead trainer or an administrator may schedule a session for another trainer."""
    return _runs_every_session(user)


def may_read_evidence(user, evaluation) -> bool:
    """A drill score's evidence: the participant, those who run the session, HR and admins."""
    return (
        evaluation.user_id == user.pk
        or may_run(user, evaluation.session)
        or has_role(user, *HR_ROLES)
    )
