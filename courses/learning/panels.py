"""The courses app's panels on the home page and on a staff member's page."""

from courses.home import learning_of
from courses.learning import reports
from courses.learning.permissions import may_manage_learning
from lms.platform.panels import Panel


def home_learning(request, user):
    learning = learning_of(request, user)  # read once with the home page's sections
    if not (learning.open or learning.completed):
        return None
    # Where to continue is the home page's first item ("what needs me today").
    return {"learning": learning}


def staff_learning(request, user):
    """A person's courses, for the trainers and HR who may see that person."""
    if not may_manage_learning(request.user):
        return None
    enrolments = reports.visible_enrolments(request.user).filter(user=user)
    rows = reports.with_progress(enrolments.select_related("course").order_by("course__path"))
    return {"rows": rows, "person": user}


HOME = Panel("courses.learning", "courses/panels/home_learning.html", home_learning, order=10)


STAFF = Panel("courses.learning", "courses/panels/staff_learning.html", staff_learning, order=10)
