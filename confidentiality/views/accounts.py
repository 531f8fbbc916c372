"""Signing in and out, forgotten passwords (Django's own views; axes watches every attempt), and
"Change my email address", the one way an account in use changes its sign-in address."""

import hashlib
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import user_has_device

from confidentiality import access, account_alerts, notifications
from confidentiality.attempts import count_in_window
from confidentiality.forms.accounts import (
    ADDRESS_REFUSED,
    EMAIL_CHANGE_WINDOW_SECONDS,
    ChangeEmailForm,
    SetFirstOrNewPasswordForm,
    SignInForm,
    address_refusal,
    folded,
)

log = logging.getLogger(__name__)


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
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


@access.public
def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: our own page in plain words, never Django's (which names the
    mechanism and, with DEBUG, the settings). ``reason`` is not shown."""
    return render(request, "403_csrf.html", status=403)


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


class PasswordResetView(auth_views.PasswordResetView):
    form_class = SetFirstOrNewPasswordForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "emails/password_reset.txt"
    html_email_template_name = "emails/password_reset.html"
    subject_template_name = "emails/password_reset_subject.txt"

    def form_valid(self, form):
        if _reset_throttled(self.request, form.cleaned_data["email"]):
            # The same answer as ever: the page says nothing of addresses or limits.
            return HttpResponseRedirect(self.get_success_url())
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


# Reset requests per address and per client address in a window: enough for someone who lost
# the first email, too few to flood a mailbox (the DSL's, say) with links. A whole staff room
# behind the school's one public address may set first passwords on the same morning, hence the
# higher per-client limit. Settings: PASSWORD_RESET_LIMIT_PER_EMAIL, ..._PER_CLIENT, ..._WINDOW.
def _reset_limits() -> tuple[int, int, int]:
    return (
        getattr(settings, "PASSWORD_RESET_LIMIT_PER_EMAIL", 3),
        getattr(settings, "PASSWORD_RESET_LIMIT_PER_CLIENT", 30),
        getattr(settings, "PASSWORD_RESET_WINDOW_SECONDS", 60 * 60),
    )


def _reset_throttled(request, email: str) -> bool:
    """Count this request; True if the address or the client has asked too often lately."""
    from confidentiality.middleware import client_address

    per_email, per_client, window = _reset_limits()
    digest = hashlib.sha256(folded(email).encode()).hexdigest()  # no address in the cache
    counters = (
        (f"password-reset:email:{digest}", per_email),
        (f"password-reset:client:{client_address(request) or '-'}", per_client),
    )
    throttled = False
    for key, limit in counters:
        throttled = count_in_window(key, window) > limit or throttled
    return throttled


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"

    def get_user(self, uidb64):
        # A link sent before the account was closed does not let anyone in afterwards.
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        # Audited always; for the people who handle allegations, the DSL and head are told.
        account_alerts.account_changed(form.user, "password-reset")
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


# --- "Change my email address" -------------------------------------------------------------------
# The admin never changes the address of an account in use (whoever sets it can reset the
# password from their own mailbox); the person does, here, with their password. The new address
# must be proven first: a link is sent to it, and only following that link, signed in as the same
# person, changes the account (an address someone merely typed could be another family's, which
# a later contacts import would then match). The address they had is told, so a session left
# open cannot move the account quietly.

# Confirmation links per account in the same window: enough for a typo, too few to flood a mailbox.
EMAIL_CHANGE_LINK_LIMIT = 5
# How long a confirmation link works.
EMAIL_CHANGE_LINK_MAX_AGE = 24 * 60 * 60
EMAIL_CHANGE_SALT = "confidentiality.accounts.change-email"
LINK_DEAD = (
    "This link does not work any more. It may be more than 24 hours old, your sign-in address "
    "may have changed since it was sent, or it was sent for another account. Ask for a new link "
    "on the Change my email address page."
)


def email_change_token(user, new_email: str) -> str:
    """A signed, timestamped token binding the account, the new address and the address it has
    now: it stops working once either address changes, so it works once."""
    return signing.dumps(
        {"user": user.pk, "new": new_email, "current": user.email or ""}, salt=EMAIL_CHANGE_SALT
    )


def _address_from_token(user, token: str) -> str | None:
    """The new address ``token`` proves for ``user`` now, or None (forged, older than 24 hours,
    for another account, or the account's address changed since it was sent)."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_LINK_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("user") != user.pk:
        return None
    if not isinstance(data.get("new"), str) or data.get("current") != (user.email or ""):
        return None
    return data["new"]


def _confirmation_link(token: str) -> str:
    # Built from the configured address, never from the request's Host header.
    path = reverse("change_email_confirm", args=[token])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


# Both pages: anyone signed in, with their confirmed second factor if they have set one up (or
# their role needs one): a stolen password alone does not move the account.
changes_the_sign_in = access.requires(second_factor=access.IF_SET_UP)


@changes_the_sign_in
def change_email(request):
    """Any signed-in person asks to change their own sign-in address, with their password (and
    their confirmed second factor if they have an app). A link is sent to the new address
    (content-free); nothing changes until it is followed (``confirm_email_change``)."""
    user = request.user
    form = ChangeEmailForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        key = f"change-email:links:{user.pk}"
        if count_in_window(key, EMAIL_CHANGE_WINDOW_SECONDS) > EMAIL_CHANGE_LINK_LIMIT:
            form.add_error(
                "email", "We have sent several links already. Wait an hour and try again."
            )
        else:
            try:
                notifications.send_templated(
                    "email_confirm",
                    [email],
                    {
                        "link": _confirmation_link(email_change_token(user, email)),
                        "hours": EMAIL_CHANGE_LINK_MAX_AGE // 3600,
                    },
                )
            except Exception as error:  # the mail server: say so, keep what was typed
                log.error("Email change confirmation failed: %s", type(error).__name__)
                form.add_error(
                    "email", "We could not send the link just now. Please try again later."
                )
            else:
                messages.success(
                    request,
                    f"We have sent a link to {email}; your address changes when you follow it.",
                )
                return redirect("two_factor:manage")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/change_email.html", {"form": form}, status=status)


@changes_the_sign_in
def confirm_email_change(request, token):
    """The link from the new address: shown on GET (a mail scanner following it changes
    nothing), applied on POST, only for the account it was sent for and only while that account
    still has the address it had then. Audited as "email-changed-by-owner" (the field name
    only); the old address is told; the DSL and the head teacher too if the account holds an
    appointed role."""
    user = request.user
    new_email = _address_from_token(user, token)
    if new_email is None:
        return render(
            request, "accounts/change_email_confirm.html", {"dead": LINK_DEAD}, status=400
        )
    refusal = address_refusal(user, new_email)
    if refusal:
        return render(request, "accounts/change_email_confirm.html", {"dead": refusal}, status=400)
    if request.method == "POST":
        old_email = user.email or ""
        user.email = new_email
        try:
            with transaction.atomic():
                user.save(update_fields=["email"])
                account_alerts.email_changed_by_owner(user, old_email)
        except IntegrityError:  # taken meanwhile (one_account_per_email)
            user.email = old_email
            return render(
                request, "accounts/change_email_confirm.html", {"dead": ADDRESS_REFUSED}, status=400
            )
        messages.success(
            request,
            "Your sign-in email address has been changed."
            + (" We have told your previous address." if old_email else ""),
        )
        return redirect("two_factor:manage")
    return render(request, "accounts/change_email_confirm.html", {"new_email": new_email})
