"""Who may schedule, run and see live sessions."""

from __future__ import annotations

from django.db.models import QuerySet

from courses.models.live import SessionState, TrainingSession
from lms.roles import SESSION_RUNNERS, Role, has_role

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


# Attendance ------------------------------------------------------------------------------


def may_run(user, session: TrainingSession) -> bool:
    """The session's trainer, a lead trainer or an administrator."""
    return session.trainer_id == user.pk or has_role(user, Role.LEAD_TRAINER, Role.ADMINISTRATOR)


def may_schedule(user) -> bool:
    """Trainers, lead trainers and administrators schedule sessions."""
    return has_role(user, *SESSION_RUNNERS)


def may_assign_trainer(user) -> bool:
    """A lead trainer or an administrator may schedule a session for another trainer."""
    return has_role(user, Role.LEAD_TRAINER, Role.ADMINISTRATOR)


def sessions_runnable_by(user) -> QuerySet[TrainingSession]:
    """The sessions `user` may run: their own; every session for lead trainers and admins."""
    sessions = TrainingSession.objects.exclude(state=SessionState.CANCELLED)
    if not has_role(user, Role.LEAD_TRAINER, Role.ADMINISTRATOR):
        sessions = sessions.filter(trainer=user)
    return sessions
