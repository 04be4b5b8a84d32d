"""A person's live training in the copy of their own data (`lms.personal_data`): the
sessions they signed up for with their attendance, and their drill results criterion by
criterion, with the evidence files kept for them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from courses.models.live import DrillEvaluation, SignUp
from lms.personal_data import StoredFile, Table


def sessions_section(user) -> list[Table | StoredFile]:
    signups = (
        SignUp.objects.filter(user=user)
        .select_related("session")
        .order_by("session__starts_at", "pk")
    )
    evaluations = list(
        DrillEvaluation.objects.filter(user=user)
        .select_related("session", "rubric_version", "scored_by")
        .order_by("session__starts_at", "pk")
    )
    scores = []
    files: list[StoredFile] = []
    for evaluation in evaluations:
        for key, name in _criteria(evaluation):
            scores.append(
                {
                    "session": evaluation.session.title,
                    "criterion": name,
                    "points": (evaluation.points or {}).get(key),
                    "note": (evaluation.notes or {}).get(key, ""),
                }
            )
        if evaluation.evidence:
            files.append(
                StoredFile(
                    f"drill_evidence/{evaluation.pk}-{evaluation.evidence_name or 'evidence'}",
                    _reader(evaluation),
                )
            )
    return [
        Table(
            "sessions",
            _("Sessions and attendance"),
            [
                ("session", _("Session")),
                ("kind", _("Kind")),
                ("starts_at", _("Starts at")),
                ("place", _("Place")),
                ("status", _("Status")),
                ("signed_up_at", _("Signed up at")),
                ("attendance", _("Attendance")),
                ("checked_in_at", _("Checked in at")),
                ("check_in_method", _("Checked in by")),
            ],
            [
                {
                    "session": s.session.title,
                    "kind": s.session.get_kind_display(),
                    "starts_at": s.session.starts_at,
                    "place": s.session.place,
                    "status": s.get_status_display(),
                    "signed_up_at": s.queued_at,
                    "attendance": s.get_attendance_display(),
                    "checked_in_at": s.checked_in_at,
                    "check_in_method": s.get_check_in_method_display(),
                }
                for s in signups
            ],
        ),
        Table(
            "drill_results",
            _("Drill results"),
            [
                ("session", _("Session")),
                ("drill", _("Drill")),
                ("starts_at", _("Starts at")),
                ("percent", _("Score (%)")),
                ("comment", _("Comment")),
                ("scored_by", _("Scored by")),
                ("scored_at", _("Scored at")),
                ("evidence", _("Evidence")),
            ],
            [
                {
                    "session": e.session.title,
                    "drill": str(e.rubric_version),
                    "starts_at": e.session.starts_at,
                    "percent": e.percent,
                    "comment": e.comment,
                    "scored_by": e.scored_by.username if e.scored_by else "",
                    "scored_at": e.scored_at,
                    "evidence": e.evidence_name if e.evidence else "",
                }
                for e in evaluations
            ],
        ),
        Table(
            "drill_scores",
            _("Drill scores by criterion"),
            [
                ("session", _("Session")),
                ("criterion", _("Criterion")),
                ("points", _("Points")),
                ("note", _("Comment")),
            ],
            scores,
        ),
        *files,
    ]


def _criteria(evaluation: DrillEvaluation) -> list[tuple[str, str]]:
    return [(c.key, c.name) for c in evaluation.rubric_version.rubric.criteria]


def _reader(evaluation: DrillEvaluation):
    def read() -> bytes:
        with evaluation.evidence.open("rb") as handle:
            return handle.read()

    return read
