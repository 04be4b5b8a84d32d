"""What a course needs from live sessions, registered with learning's completion hook."""

from __future__ import annotations

from django.utils.translation import gettext as _

from courses.learning.completion import Requirement
from courses.models.live import Attendance, SignUp, TrainingSession

# What a course needs from live sessions ----------------------------------------------------


def session_requirements(user, course) -> list:
    """A course with sessions required for it needs one of them attended (one query)."""
    from django.db.models import Exists, OuterRef
    from django.urls import reverse

    attended = SignUp.objects.filter(
        session=OuterRef("pk"), user_id=getattr(user, "pk", None), attendance=Attendance.PRESENT
    )
    found = list(
        TrainingSession.objects.filter(course_id=course.pk, required_for_course=True)
        .annotate(attended=Exists(attended))
        .values_list("attended", flat=True)[:100]
    )
    if not found:
        return []
    return [
        Requirement(
            label=_("Attend one of the course's live sessions"),
            met=any(found),
            url=reverse("sessions:session_list") + f"?course={course.pk}",
        )
    ]
