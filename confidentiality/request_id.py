"""An id for each request, so every log line a request writes can be told apart and followed
from the proxy to the database; the JSON log (``confidentiality.logs``) adds it to each line.

A sane ``X-Request-ID`` from the proxy in front is kept (its logs then match ours); anything
else (too long, odd characters that could forge a log line) is replaced by a fresh id. The id is
returned in the response's ``X-Request-ID`` header, so a member of staff who reports a problem
can be asked for it without anyone reading their screen.
"""

import re
import uuid
from contextvars import ContextVar

from .secret_paths import masked

HEADER = "X-Request-ID"
SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")

_current = ContextVar("current_request", default=None)


def sane(value: str) -> bool:
    return bool(value) and SANE.fullmatch(value) is not None


class RequestIdMiddleware:
    """First in ``MIDDLEWARE``: every line logged while the request is served carries its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        request.request_id = incoming if sane(incoming) else uuid.uuid4().hex
        token = _current.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.request_id
        return response


def current_request():
    return _current.get()


def current_request_id() -> str | None:
    return getattr(_current.get(), "request_id", None)


def user_id_of(request):
    """The signed-in person's id, if the request has already looked them up: a log line never
    makes a database query of its own (it may be written because the database is down)."""
    user = getattr(request, "_cached_user", None) if request is not None else None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


def describe(request=None) -> dict:
    """What a log line says of a request (the current one by default): its id, the person's
    id and the path without its query string (a search for a child's name is in the query)
    nor any secret in the path itself (a reset token)."""
    request = request if request is not None else _current.get()
    return {
        "request_id": getattr(request, "request_id", None),
        "user_id": user_id_of(request),
        "path": masked(getattr(request, "path", None)),
    }
