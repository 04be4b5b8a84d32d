"""The day-before reminders of live sessions. Safe to run twice."""

from courses.sessions.notices import session_reminders_send
from courses.sessions.tasks import session_reminders_daily
from lms.platform.daily import DailyRunCommand


class Command(DailyRunCommand):
    help = (
        "Remind everyone with a place in a session that starts tomorrow (the site's time "
        "zone). Run it once a day; running it again sends nothing twice."
    )
    task = session_reminders_daily

    def run(self, day):
        return f"{session_reminders_send(on=day)} people reminded of tomorrow's sessions."
