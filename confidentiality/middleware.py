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
