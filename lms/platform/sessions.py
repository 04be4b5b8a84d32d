"""A person's sign-ins on other browsers: ended when the trust they were given is withdrawn
(a second factor removed or its recovery codes replaced), the current one kept."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone


def sessions_end_others(*, user, keep: str | None) -> int:
    """Sign `user` out of every session but `keep` (a session key); how many were ended.

    The sessions live in the database (with a write-through cache under `cached_db`), keyed by
    a random key, not by person: each live one is read to find whose it is. That is one pass
    over the live sessions, for an event as rare as removing a second factor.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    live = (
        Session.objects.filter(expire_date__gt=timezone.now())
        .exclude(session_key=keep or "")
        .values_list("session_key", "session_data")
    )
    ended = 0
    for key, data in live.iterator(chunk_size=2000):
        if store().decode(data).get(SESSION_KEY) == str(user.pk):
            store(session_key=key).delete()  # the cached copy too, under cached_db
            ended += 1
    return ended
