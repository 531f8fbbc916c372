"""Request hardening and response headers Django does not set on its own, and the one place
that decides which address a request came from."""

import ipaddress

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers


def _valid_address(raw) -> str | None:
    """``raw`` as a normalised IP address, or None when it is not one. Accepts the forms proxies
    write with a port (``203.0.113.5:4711``, ``[2001:db8::1]:443``); refuses names, ``unknown``
    and IPv6 zone ids, which the database could not store."""
    text = str(raw or "").strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if getattr(address, "scope_id", None):
        return None
    return str(address)


def client_address(request) -> str | None:
    """The address a request came from, as the audit trail, the sign-in lock-out and the change
    log record it. Everything that needs it calls this, and nothing else reads forwarded headers.

    Without a proxy (``BEHIND_TLS_PROXY`` off) it is the connection's own address: an
    ``X-Forwarded-For`` header is whatever the client chose to write and is ignored. Behind the
    proxy, each proxy appends the address it saw, so only the entry ``TRUSTED_PROXY_HOPS`` from
    the right was written by a proxy we run; anything left of it was sent by the client. A
    missing or malformed entry falls back to the connection's address, never to an error."""
    connection = _valid_address(request.META.get("REMOTE_ADDR"))
    if not settings.BEHIND_TLS_PROXY:
        return connection
    hops = settings.TRUSTED_PROXY_HOPS
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < hops or not forwarded[-hops]:
        return connection
    return _valid_address(forwarded[-hops]) or connection


def client_port(request) -> int | None:
    """The client's own port when the connection is direct; behind a proxy it is unknown
    (``X-Forwarded-Port`` names the proxy's port, and a client can write it)."""
    if settings.BEHIND_TLS_PROXY:
        return None
    raw = str(request.META.get("REMOTE_PORT") or "")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 65536 else None


class ClientAddressAuditlogMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware, with the address and port taken from ``client_address``
    instead of the first (client-written) ``X-Forwarded-For`` entry and ``X-Forwarded-Port``."""

    @staticmethod
    def _get_remote_addr(request):
        return None if settings.AUDITLOG_DISABLE_REMOTE_ADDR else client_address(request)

    @staticmethod
    def _get_remote_port(request):
        return client_port(request)


class RefuseNulBytesMiddleware:
    """A NUL character can be neither stored nor searched for in PostgreSQL text, so a request
    carrying one (in its path, query string, form fields, upload names, cookies or headers, which
    the sign-in lock-out stores) gets our 400 page before any view passes it to the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._carries_nul(request):
            return render(request, "400.html", status=400)
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request) -> bool:
        texts = [request.path_info]
        texts += [
            v for k, v in request.META.items() if k.startswith("HTTP_") and isinstance(v, str)
        ]
        texts += [text for item in request.COOKIES.items() for text in item]
        fields = [request.GET]
        if request.method == "POST":
            fields.append(request.POST)
            texts += [f.name or "" for _, files in request.FILES.lists() for f in files]
        for data in fields:
            for key, values in data.lists():
                texts += [key, *values]
        return any("\0" in text for text in texts)


class NoStoreForSignedInMiddleware:
    """Nothing shown to a signed-in person is kept by the browser or a shared cache: a page about
    a child must not come back from the history of a shared classroom computer. Static files
    (served before this by WhiteNoise) carry nobody's information and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        static = request.path_info.startswith(f"/{settings.STATIC_URL.lstrip('/')}")
        if user is not None and user.is_authenticated and not static:
            add_never_cache_headers(response)
        return response


class PermissionsPolicyMiddleware:
    """Switch off browser features (camera, microphone, location...) the service never uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class SecondFactorMiddleware:
    """Sends the safeguarding team and head teacher to confirm their second factor when the
    access policy refuses them for lack of one (P6). Staff without one can still log concerns:
    only confidential objects raise ``SecondFactorRequired``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import urlencode

        from confidentiality.access import SecondFactorRequired

        if isinstance(exception, SecondFactorRequired):
            return redirect(
                f"{reverse('two_factor:verify')}?{urlencode({'next': request.get_full_path()})}"
            )
        return None


class AgreementRequiredMiddleware:
    """P11, P16, P25: volunteers and student teachers, governors, the clerk and health
    professionals accept the current confidentiality agreement before any other page.

    Let through: the agreement page itself, signing in and out, the health check, static files
    and every URL name in ``settings.AGREEMENT_EXEMPT_URL_NAMES`` — above all logging a
    safeguarding concern, because reporting must never be blocked (P3). Every name listed there
    must be one the site defines (a start-up check, ``confidentiality/checks.py``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import urlencode

        from confidentiality.access import know_roles_and_permissions
        from confidentiality.models.agreements import must_accept_agreement_now

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        # The first check of the request to ask who the person is: their roles and permissions
        # are read here, once, for every check after it (the door, the menu, the panels).
        know_roles_and_permissions(user)
        if not user.must_sign_agreement:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in settings.AGREEMENT_EXEMPT_URL_NAMES:
            return None
        if request.path_info.startswith(f"/{settings.STATIC_URL.lstrip('/')}"):
            return None
        if not must_accept_agreement_now(user):
            return None
        target = reverse("agreement")
        if request.method == "GET":
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        return redirect(target)


class ProductErrorPagesMiddleware:
    """The school's own 400, 403, 404 and 500 pages, in development as in production.

    ``make run`` (the demo) runs with ``DEBUG`` on for its generated keys, and Django then answers
    a refused or missing page with its technical page, which lists every URL of the site and
    shows settings: not what a member of staff trying the demo should meet. Unless a developer
    asks for the technical pages (``TECHNICAL_ERROR_PAGES``), this turns those exceptions into
    the same pages production shows, through Django's own default views. An unhandled error is
    still logged and signalled exactly as Django does without ``DEBUG``.

    It sits after the authentication middleware (so a signed-in person keeps their menu on the
    error page) and before every middleware that turns its own exception into an answer (the
    second factor, a missing key, a locked-out sign-in): those run first."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _in_use() -> bool:
        return settings.DEBUG and not settings.TECHNICAL_ERROR_PAGES

    def __call__(self, request):
        # A path no URL matches never reaches a view, so process_exception does not see it.
        if self._in_use():
            from django.urls import Resolver404, get_resolver

            try:
                get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
            except Resolver404 as exception:
                from django.views.defaults import page_not_found

                return page_not_found(request, exception)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not self._in_use():
            return None
        from django.core import signals
        from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
        from django.http import Http404
        from django.utils.log import log_response
        from django.views import defaults

        if isinstance(exception, Http404):
            response = defaults.page_not_found(request, exception)
        elif isinstance(exception, PermissionDenied):
            response = defaults.permission_denied(request, exception)
        elif isinstance(exception, (BadRequest, SuspiciousOperation)):
            response = defaults.bad_request(request, exception)
        else:
            # As Django does for an unhandled error without DEBUG: tell the error reporters.
            signals.got_request_exception.send(sender=None, request=request)
            response = defaults.server_error(request)
        log_response(
            "%s: %s",
            response.reason_phrase,
            request.path,
            response=response,
            request=request,
            exception=exception,
        )
        return response
