"""Signing in and out. Django's own views; axes watches every attempt."""

from django.contrib.auth import views as auth_views
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import user_has_device


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_success_url(self):
        target = super().get_success_url()
        user = self.request.user
        # The safeguarding team and the head teacher confirm their second factor straight away,
        # so a confidential page never interrupts them later.
        if user.needs_second_factor and user_has_device(user):
            return f"{reverse('two_factor:verify')}?{urlencode({'next': target})}"
        return target


class SignOutView(auth_views.LogoutView):
    pass


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
