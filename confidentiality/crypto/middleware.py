"""A request that cannot write an encrypted value gets a clear page, never a 500."""

import logging

from django.http import HttpResponse
from django.template.loader import render_to_string

from .keyring import KeyUnavailable

log = logging.getLogger(__name__)


class KeyUnavailableMiddleware:
    """Turns ``KeyUnavailable`` (this server lacks the school's sealing key, or something tried to
    overwrite a value it cannot open) into a 503 page that says so. The refused row was not
    written: the exception is raised while the row is prepared, before its UPDATE or INSERT."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, KeyUnavailable):
            return None
        log.error("Not saved (%s): %s %s", type(exception).__name__, request.method, request.path)
        body = render_to_string("key_unavailable.html", {"reason": str(exception)})
        response = HttpResponse(body, status=exception.status)
        response["Retry-After"] = "120"
        return response
