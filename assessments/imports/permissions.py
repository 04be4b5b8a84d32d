"""Who may import HR's operational files (rosters, surveys, complaints, efficiency, teamwork)
and read the imports' history: HR and administrators, who hold everyone's records."""

from __future__ import annotations

from lms.roles import is_hr


def may_import_data(user) -> bool:
    return is_hr(user)
