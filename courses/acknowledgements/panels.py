"""The acknowledgement on the home page (when one is asked) and on a staff member's page (for
HR)."""

from courses.acknowledgements import selectors
from courses.acknowledgements.permissions import may_read_acknowledgements
from lms.platform.panels import Panel


def home_notice(request, user):
    due = selectors.due_for(user, request)
    return {"due": due} if due is not None else None


def staff_acknowledgements(request, user):
    """A person's standing and history, for HR."""
    if not may_read_acknowledgements(request.user):
        return None
    text = selectors.current_text(request)
    if text is None:
        return None
    history = selectors.history(user)
    last = next((a for a in history if a.page_id == text.pk), None)
    standing = selectors.Due(text, selectors.reason_for(last, text.version), last)
    return {"standing": standing, "history": history, "person": user}


HOME = Panel(
    "courses.acknowledgements",
    "courses/acknowledgements/notice_panel.html",
    home_notice,
    order=5,
)


STAFF = Panel(
    "courses.acknowledgements",
    "courses/acknowledgements/staff_panel.html",
    staff_acknowledgements,
    order=15,
)
