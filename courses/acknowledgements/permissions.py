"""Who may see whose acknowledgements.

Everyone signed in reads the information-security text and acknowledges it for themselves. The
list of who has not acknowledged, and its export, is HR's (and the administrators'): it is a
compliance record of the whole company, kept apart from the trainers' progress reports.
"""

from __future__ import annotations

from lms.roles import is_hr


def may_read_acknowledgements(user) -> bool:
    """HR and administrators read everyone's acknowledgements."""
    return is_hr(user)
