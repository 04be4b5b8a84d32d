from courses.models.learning import (
    Assignment,
    Enrolment,
    EnrolmentSource,
    LessonCompletion,
    Reminder,
    ReminderKind,
)
from courses.models.pages import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    ModuleCategory,
    TrainingHomePage,
)

__all__ = [
    "Assignment",
    "CourseIndexPage",
    "CoursePage",
    "Enrolment",
    "EnrolmentSource",
    "LessonCompletion",
    "LessonPage",
    "ModuleCategory",
    "Reminder",
    "ReminderKind",
    "TrainingHomePage",
]
