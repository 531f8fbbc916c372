"""The idle sign-out's clock: a session ends ``SESSION_COOKIE_AGE`` after the person's last
request, but its expiry is written at most once a minute.

Django's ``SESSION_SAVE_EVERY_REQUEST`` would write the session row on every page (an UPDATE
inside a savepoint: three statements on every request of every person). Moving the expiry on once
``IDLE_CLOCK_STEP`` has passed keeps the same rule to within a minute: someone who stops working
is signed out between 29 and 30 minutes later instead of exactly at 30."""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

IDLE_CLOCK_STEP = 60  # seconds
_CLOCK_KEY = "_idle_clock"


class IdleClockMiddleware:
    """After ``SessionMiddleware``: marks a signed-in session modified when its clock is a minute
    old, so ``SessionMiddleware`` saves it and pushes its expiry on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Sessions that hold nothing (visitors before sign-in, a sign-out) are never created here.
        if session is not None and not session.is_empty() and session.keys():
            now = int(time.time())
            if now - session.get(_CLOCK_KEY, 0) >= IDLE_CLOCK_STEP:
                session[_CLOCK_KEY] = now
        return response


@receiver(user_logged_in, dispatch_uid="idle-clock-starts-at-sign-in")
def start_the_clock(sender, request, user, **kwargs):
    """Signing in writes the session anyway: the clock starts there, not on the next page."""
    if request is not None and hasattr(request, "session"):
        request.session[_CLOCK_KEY] = int(time.time())
