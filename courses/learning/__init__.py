"""Learning: courses and lessons, assignments, enrolments, progress and its reports."""
