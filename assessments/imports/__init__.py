"""HR's imports: roster, surveys, complaints, efficiency and teamwork files, checked whole
and written, or nothing."""
