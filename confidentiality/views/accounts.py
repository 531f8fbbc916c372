"""Signing in and out, and forgotten passwords. Django's own views; axes watches every attempt."""

import unicodedata
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
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


# --- forgotten passwords -------------------------------------------------------------------------
# Django's own reset views: the answer is the same whether or not an account has that email (so
# the page reveals nothing), and the link in the email works once and expires
# (PASSWORD_RESET_TIMEOUT). The email carries the link and nothing else.


class SetFirstOrNewPasswordForm(auth_forms.PasswordResetForm):
    """Django's reset form also reaches accounts with no password yet: the MIS import creates
    staff and parent accounts without one (it never invents a password), and this is how those
    people choose their first. The link still goes only to the account's own email."""

    def get_users(self, email):
        email_field = get_user_model().get_email_field_name()
        wanted = _folded(email)
        return (
            user
            for user in get_user_model()._default_manager.filter(
                **{f"{email_field}__iexact": email, "is_active": True}
            )
            # As Django does: __iexact alone would match some different Unicode addresses.
            if _folded(getattr(user, email_field) or "") == wanted
        )


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


class PasswordResetView(auth_views.PasswordResetView):
    form_class = SetFirstOrNewPasswordForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "emails/password_reset.txt"
    html_email_template_name = "emails/password_reset.html"
    subject_template_name = "emails/password_reset_subject.txt"

    def form_valid(self, form):
        self.extra_email_context = {"school_name": settings.SCHOOL_NAME}
        # The link is built from the configured address, never from the request's Host header,
        # which someone could set to their own server to catch the token.
        site = urlsplit(settings.SITE_URL)
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            html_email_template_name=self.html_email_template_name,
            extra_email_context=self.extra_email_context,
        )
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"

    def get_user(self, uidb64):
        # A link sent before the account was closed does not let anyone in afterwards.
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
