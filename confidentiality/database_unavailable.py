"""When the database does not answer, people get a page that says so and what to do, with a
503 (and ``Retry-After``) rather than the general error page.

Django turns an exception into a 500 page at whichever middleware it is raised in, so this
cannot catch the error itself: ``got_request_exception`` (sent for every unhandled error) marks
the request when the error is the database's, and the middleware, near the top of the stack,
swaps the 500 for this page. Rendering it needs nothing from the database (no request context,
no menu), and a 5xx answer does not save the session.
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)

UNAVAILABLE = (OperationalError, InterfaceError)
MARK = "_database_unavailable"


@receiver(got_request_exception, dispatch_uid="mark-database-unavailable")
def _mark(sender, request=None, **kwargs):
    if request is not None and isinstance(sys.exc_info()[1], UNAVAILABLE):
        setattr(request, MARK, True)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code >= 500 and getattr(request, MARK, False):
            log.error("Database unavailable: %s %s answered 503", request.method, request.path)
            response = HttpResponse(render_to_string("database_unavailable.html"), status=503)
            response["Retry-After"] = "60"
            response["Cache-Control"] = "no-store"
        return response
