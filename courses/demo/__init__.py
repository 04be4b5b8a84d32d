"""The demo training: five courses from the manual, drills and a month of sessions."""
