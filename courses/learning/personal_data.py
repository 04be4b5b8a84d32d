"""A person's learning in the copy of their own data (`lms.personal_data`): their courses
with progress and how each came to them, the lessons they finished (and, for a course given
again, what they had finished before), the assignments that name them and why, and their
reminders."""

from __future__ import annotations

from django.utils.translation import gettext as _

from courses.learning.reports import with_progress
from courses.models.learning import (
    Assignment,
    Enrolment,
    LessonCompletion,
    PastCompletion,
    Reminder,
)
from lms.personal_data import Table


def learning_section(user) -> list[Table]:
    enrolments = with_progress(
        Enrolment.objects.filter(user=user)
        .select_related("course", "assignment")
        .order_by("enrolled_at", "pk")
    )
    completions = (
        LessonCompletion.objects.filter(user=user)
        .select_related("lesson", "course")
        .order_by("completed_at", "pk")
    )
    past = (
        PastCompletion.objects.filter(user=user)
        .select_related("lesson", "course")
        .order_by("completed_at", "pk")
    )
    assignments = (
        Assignment.objects.filter(people=user)
        .select_related("course", "created_by")
        .order_by("created_at", "pk")
    )
    reminders = (
        Reminder.objects.filter(enrolment__user=user)
        .select_related("enrolment__course")
        .order_by("created_at", "pk")
    )
    return [
        Table(
            "enrolments",
            _("Courses and progress"),
            [
                ("course", _("Course")),
                ("source", _("Source")),
                ("assignment", _("Assignment")),
                ("enrolled_at", _("Enrolled at")),
                ("due_on", _("Due date")),
                ("lessons_done", _("Lessons done")),
                ("lessons_total", _("Lessons")),
                ("percent", _("Progress (%)")),
                ("completed_at", _("Completed at")),
                ("last_activity_at", _("Last activity")),
            ],
            [
                {
                    "course": row.enrolment.course.title,
                    "source": row.enrolment.get_source_display(),
                    "assignment": row.enrolment.assignment_id,
                    "enrolled_at": row.enrolment.enrolled_at,
                    "due_on": row.enrolment.due_on,
                    "lessons_done": row.lessons_done,
                    "lessons_total": row.lessons_total,
                    "percent": row.percent,
                    "completed_at": row.enrolment.completed_at,
                    "last_activity_at": row.enrolment.last_activity_at,
                }
                for row in enrolments
            ],
        ),
        Table(
            "lessons_completed",
            _("Lessons completed"),
            [
                ("course", _("Course")),
                ("lesson", _("Lesson")),
                ("completed_at", _("Completed at")),
            ],
            [
                {
                    "course": c.course.title,
                    "lesson": c.lesson.title,
                    "completed_at": c.completed_at,
                }
                for c in completions
            ],
        ),
        Table(
            "past_completions",
            _("Completed before a course was given again"),
            [
                ("course", _("Course")),
                ("lesson", _("Lesson")),
                ("completed_at", _("Completed at")),
                ("why", _("Why")),
            ],
            [
                {
                    "course": p.course.title,
                    "lesson": p.lesson.title if p.lesson else "",
                    "completed_at": p.completed_at,
                    "why": p.why,
                }
                for p in past
            ],
        ),
        Table(
            "assignments",
            _("Assignments that name me"),
            [
                ("id", _("Assignment")),
                ("course", _("Course")),
                ("due_on", _("Due date")),
                ("note", _("Note")),
                ("why", _("Why")),
                ("assigned_by", _("Assigned by")),
                ("assigned_at", _("Assigned at")),
                ("cancelled_at", _("Cancelled at")),
            ],
            [
                {
                    "id": a.pk,
                    "course": a.course.title,
                    "due_on": a.due_on,
                    "note": a.note,
                    "why": a.reason,
                    "assigned_by": a.created_by.username if a.created_by else "",
                    "assigned_at": a.created_at,
                    "cancelled_at": a.cancelled_at,
                }
                for a in assignments
            ],
        ),
        Table(
            "reminders",
            _("Reminders"),
            [
                ("course", _("Course")),
                ("kind", _("Kind")),
                ("sent_at", _("Sent at")),
                ("emailed", _("E-mailed")),
                ("dismissed_at", _("Dismissed at")),
            ],
            [
                {
                    "course": r.enrolment.course.title,
                    "kind": r.get_kind_display(),
                    "sent_at": r.created_at,
                    "emailed": r.emailed,
                    "dismissed_at": r.dismissed_at,
                }
                for r in reminders
            ],
        ),
    ]
