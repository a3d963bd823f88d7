"""Sessions written only when they change, or when their expiry is more than a minute old (issue 9).

With ``SESSION_SAVE_EVERY_REQUEST`` every GET rewrote the session row, so every page a person opened was
also a write. Here a session is saved when its data changes, and otherwise only once its idle timer needs
pushing back: when less than ``SESSION_IDLE_MINUTES`` remain of it. The server keeps a session for
``SESSION_COOKIE_AGE`` = the idle time plus ``SESSION_REFRESH_SECONDS`` after it was last saved, so a
session never ends sooner than the idle time after the last request (what the session-timeout warning in
static/js/app.js counts down), and never later than a minute after that.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    """The database store, remembering the expiry of the row it loaded."""

    loaded_expiry = None

    def _get_session_from_db(self):
        row = super()._get_session_from_db()
        self.loaded_expiry = row.expire_date if row is not None else None
        return row


def needs_refresh(session) -> bool:
    """Whether an unchanged session must be saved to push its end back: it was loaded (this request
    read it) and less than the idle time is left of it."""
    expiry = getattr(session, "loaded_expiry", None)
    if expiry is None or not hasattr(session, "_session_cache"):
        return False
    return expiry - timezone.now() < timedelta(minutes=settings.SESSION_IDLE_MINUTES)


class SessionRefreshMiddleware:
    """After ``SessionMiddleware`` in ``MIDDLEWARE`` (so it runs before the session is saved on the way
    out): marks an unchanged session modified only when its idle timer needs pushing back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.modified and needs_refresh(session):
            session.modified = True
        return response
