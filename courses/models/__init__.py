from courses.models.acknowledgements import Acknowledgement, ConfidentialityPage
from courses.models.learning import (
    Assignment,
    Enrolment,
    EnrolmentSource,
    LessonCompletion,
    Reminder,
    ReminderKind,
)
from courses.models.live import (
    Attendance,
    CheckInMethod,
    DrillEvaluation,
    DrillIndexPage,
    DrillPage,
    RubricVersion,
    SessionKind,
    SessionState,
    SignUp,
    SignUpStatus,
    TrainingSession,
)
from courses.models.pages import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    ModuleCategory,
    TrainingHomePage,
)
from courses.models.reviews import DrillReviewTask

__all__ = [
    "Acknowledgement",
    "Assignment",
    "Attendance",
    "CheckInMethod",
    "ConfidentialityPage",
    "CourseIndexPage",
    "CoursePage",
    "DrillEvaluation",
    "DrillIndexPage",
    "DrillPage",
    "DrillReviewTask",
    "Enrolment",
    "EnrolmentSource",
    "LessonCompletion",
    "LessonPage",
    "ModuleCategory",
    "Reminder",
    "ReminderKind",
    "RubricVersion",
    "SessionKind",
    "SessionState",
    "SignUp",
    "SignUpStatus",
    "TrainingHomePage",
    "TrainingSession",
]
