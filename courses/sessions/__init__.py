"""Live training: classroom, sharing and drill sessions; sign-ups, waiting lists, attendance,
check-in, calendars and drill scores."""
