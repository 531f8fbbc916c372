"""Response headers Django does not set on its own."""

from django.conf import settings


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
    safeguarding concern, because reporting must never be blocked (P3). A name listed there that
    no app defines is simply never matched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import urlencode

        from confidentiality.models.agreements import must_accept_agreement_now

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.must_sign_agreement:
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
