"""Signing in and out, forgotten passwords (Django's own views; axes watches every attempt), and
"Change my email address", the one way an account in use changes its sign-in address."""

import hashlib
import time
import unicodedata
from email.utils import parseaddr
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import user_has_device

from confidentiality import access, account_alerts
from confidentiality.identity import is_mixed_script_lookalike, lookalike_of, same_mailbox


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
    digest = hashlib.sha256(_folded(email).encode()).hexdigest()  # no address in the cache
    counters = (
        (f"password-reset:email:{digest}", per_email),
        (f"password-reset:client:{client_address(request) or '-'}", per_client),
    )
    throttled = False
    for key, limit in counters:
        throttled = _count(key, window) > limit or throttled
    return throttled


def _count(key: str, window: int) -> int:
    """Count one request against ``key``; return the count in the window begun by the first.

    The file cache is neither atomic nor kind to timeouts: two requests can race between ``add``
    and ``incr``, and its ``incr`` writes the value back with the default timeout (five
    minutes), which would shorten the window. So the window's end is kept beside the count and
    put back after each increment, and a request that loses a race is still counted, never
    reset to one over a higher count."""
    now = time.time()
    ends_key = f"{key}:ends"
    if cache.add(key, 1, window):
        cache.set(ends_key, now + window, window)
        return 1
    try:
        count = cache.incr(key)
    except ValueError:  # gone between add and incr (expired, culled): a new window
        if cache.add(key, 1, window):
            cache.set(ends_key, now + window, window)
            return 1
        try:
            count = cache.incr(key)  # another request began it meanwhile
        except ValueError:
            return 1
    ends = cache.get(ends_key) or now + window
    cache.touch(key, max(1, int(ends - now)))
    return count


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
# password from their own mailbox); the person does, here, with their password. The address
# they had is told, so a session left open cannot move the account quietly.

# Wrong passwords on this page per account in a window, before even the right one is refused.
EMAIL_CHANGE_PASSWORD_LIMIT = 5
EMAIL_CHANGE_WINDOW_SECONDS = 60 * 60
ADDRESS_REFUSED = (
    "This address cannot be used: it belongs to another account, or looks like another "
    "account's or the school's own address, so it could pass for someone else. Use your own "
    "address."
)


class ChangeEmailForm(forms.Form):
    current_password = forms.CharField(
        label="Your current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    email = forms.EmailField(
        label="New email address",
        max_length=254,
        help_text="The address you will sign in with and get password reset emails at.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_current_password(self):
        password = self.cleaned_data["current_password"]
        key = f"change-email:wrong-password:{self.user.pk}"
        if (cache.get(key) or 0) >= EMAIL_CHANGE_PASSWORD_LIMIT:
            raise forms.ValidationError(
                "Too many wrong passwords. Wait an hour and try again, or ask the IT technician."
            )
        if not self.user.check_password(password):
            _count(key, EMAIL_CHANGE_WINDOW_SECONDS)
            raise forms.ValidationError("That is not your current password.")
        return password

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if _folded(email) == _folded(self.user.email or ""):
            raise forms.ValidationError("That is already your sign-in address.")
        taken = (
            get_user_model().objects.exclude(pk=self.user.pk).filter(email__iexact=email).exists()
        )
        schools = (  # "School <office@...>" names the address in angle brackets
            parseaddr(getattr(settings, name, "") or "")[1]
            for name in ("DEFAULT_FROM_EMAIL", "SERVER_EMAIL")
        )
        if (
            taken
            or any(same_mailbox(email, address) for address in schools)
            or is_mixed_script_lookalike(email)
            or lookalike_of(email=email, exclude_pk=self.user.pk) is not None
        ):
            raise forms.ValidationError(ADDRESS_REFUSED)
        return email


@login_required
def change_email(request):
    """Any signed-in person changes their own sign-in address, with their password (and their
    confirmed second factor if they have an app). Audited as "email-changed-by-owner" (the
    field name only); the old address is told; the DSL and the head teacher too if the account
    holds an appointed role."""
    user = request.user
    access.require_second_factor(user)
    if user_has_device(user) and not user.is_verified():
        # A stolen password alone does not move the account.
        return redirect(f"{reverse('two_factor:verify')}?{urlencode({'next': request.path})}")
    form = ChangeEmailForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        old_email = user.email or ""
        user.email = form.cleaned_data["email"]
        try:
            with transaction.atomic():
                user.save(update_fields=["email"])
                account_alerts.email_changed_by_owner(user, old_email)
        except IntegrityError:  # taken meanwhile (one_account_per_email)
            user.email = old_email
            form.add_error("email", ADDRESS_REFUSED)
        else:
            messages.success(
                request,
                "Your sign-in email address has been changed."
                + (" We have told your previous address." if old_email else ""),
            )
            return redirect("two_factor:manage")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/change_email.html", {"form": form}, status=status)
