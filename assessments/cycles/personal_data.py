"""A person's five-part assessment in the copy of their own data (`lms.personal_data`):
their results in the cycles staff may see, each part with its explanation in words (and
the inputs behind it in data.json), and their appeals with HR's answers."""

from __future__ import annotations

from django.utils.translation import gettext as _

from assessments.cycles.permissions import VISIBLE_STATES
from assessments.cycles.selectors import results_of
from assessments.models.appeals import Appeal
from assessments.scoring.arithmetic import PARTS
from assessments.scoring.explain import explain, grade_text, part_label, reason_text
from lms.personal_data import Table


def assessment_section(user) -> list[Table]:
    results = results_of(user.pk)
    rows, explanations = [], []
    for result in results:
        cycle = result.cycle
        policy = cycle.policy.policy
        rows.append(
            {
                "cycle": cycle.name,
                "starts_on": cycle.starts_on,
                "ends_on": cycle.ends_on,
                "state": cycle.get_state_display(),
                "org_unit": result.org_unit.name if result.org_unit else "",
                "position": result.get_position_display(),
                "knowledge": result.knowledge,
                "satisfaction": result.satisfaction,
                "efficiency": result.efficiency,
                "teamwork": result.teamwork,
                "overall": result.overall,
                "grade": grade_text(result.grade or None),
                "eligible": result.eligible,
                "reasons": [reason_text(code, policy) for code in result.reasons],
                "computed_at": result.computed_at,
                "explanation_data": result.explanation,
            }
        )
        for part in explain(result, policy):
            explanations.append(
                {
                    "cycle": cycle.name,
                    "part": part.label,
                    "score": part.score_text,
                    "summary": part.summary,
                    "details": [line.text for line in part.lines],
                }
            )
    appeals = (
        Appeal.objects.filter(user=user, cycle__state__in=VISIBLE_STATES)
        .select_related("cycle", "answered_by__profile")
        .order_by("created_at", "pk")
    )
    return [
        Table(
            "assessment_results",
            _("Assessment results"),
            [
                ("cycle", _("Cycle")),
                ("starts_on", _("From")),
                ("ends_on", _("To")),
                ("state", _("State")),
                ("org_unit", _("Org unit")),
                ("position", _("Position")),
                *((part, part_label(part)) for part in (*PARTS, "overall")),
                ("grade", _("Grade")),
                ("eligible", _("Eligible for a certificate")),
                ("reasons", _("Why not eligible")),
                ("computed_at", _("Computed")),
            ],
            rows,
        ),
        Table(
            "assessment_explanations",
            _("How each score was reached"),
            [
                ("cycle", _("Cycle")),
                ("part", _("Part")),
                ("score", _("Score")),
                ("summary", _("Summary")),
                ("details", _("Details")),
            ],
            explanations,
        ),
        Table(
            "appeals",
            _("Appeals"),
            [
                ("cycle", _("Cycle")),
                ("part", _("Part")),
                ("question", _("Question")),
                ("score_when_raised", _("Score when raised")),
                ("raised_at", _("Raised")),
                ("state", _("State")),
                ("answer", _("Answer")),
                ("answered_by", _("Answered by")),
                ("answered_at", _("Answered")),
                ("score_after", _("Score after the answer")),
            ],
            [
                {
                    "cycle": a.cycle.name,
                    "part": a.get_part_display(),
                    "question": a.comment,
                    "score_when_raised": a.score_when_raised,
                    "raised_at": a.created_at,
                    "state": a.get_state_display(),
                    "answer": a.answer,
                    "answered_by": a.answered_by.display_name if a.answered_by else "",
                    "answered_at": a.answered_at,
                    "score_after": a.score_after,
                }
                for a in appeals
            ],
        ),
    ]
