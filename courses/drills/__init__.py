"""Drills: the drill pages, their review before publication, and their rubrics."""
