"""The account forms: a first or new password (the reset form), and "Change my email address".
With them, what they check: which address an account may take (asked again when the
confirmation link is followed, ``confidentiality.views.accounts``), wrong passwords counted in a
window (``confidentiality.attempts``, which also limits the reset and confirmation emails)."""

import unicodedata
from email.utils import parseaddr

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.core.cache import cache

from confidentiality.attempts import count_in_window
from confidentiality.identity import (
    is_mixed_script_lookalike,
    lookalike_of,
    same_mailbox,
    skeleton,
)


def folded(text: str) -> str:
    """``text`` as compared: one Unicode form, case folded."""
    return unicodedata.normalize("NFKC", text).casefold()


# --- signing in ----------------------------------------------------------------------------------


class SignInForm(auth_forms.AuthenticationForm):
    """Django's sign-in form, saying in words what is missing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


# --- a first or new password ---------------------------------------------------------------------


class SetFirstOrNewPasswordForm(auth_forms.PasswordResetForm):
    """Django's reset form also reaches accounts with no password yet: the MIS import creates
    staff and parent accounts without one (it never invents a password), and this is how those
    people choose their first. The link still goes only to the account's own email."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages.update(
            required="Enter the email address your account uses",
            invalid="Enter an email address like name@example.org",
        )

    def get_users(self, email):
        email_field = get_user_model().get_email_field_name()
        wanted = folded(email)
        return (
            user
            for user in get_user_model()._default_manager.filter(
                **{f"{email_field}__iexact": email, "is_active": True}
            )
            # As Django does: __iexact alone would match some different Unicode addresses.
            if folded(getattr(user, email_field) or "") == wanted
        )


# --- "Change my email address" -------------------------------------------------------------------

# Wrong passwords on this page per account in a window, before even the right one is refused.
EMAIL_CHANGE_PASSWORD_LIMIT = 5
EMAIL_CHANGE_WINDOW_SECONDS = 60 * 60
ADDRESS_REFUSED = (
    "This address cannot be used: it belongs to another account, or looks like another "
    "account's or the school's own address, so it could pass for someone else. Use your own "
    "address."
)
SCHOOL_DOMAIN_REFUSED = (
    "Only school staff may use an address at the school's own email domain. Use your own address."
)


def _school_addresses() -> list[str]:
    # "School <office@...>" names the address in angle brackets
    return [
        parseaddr(getattr(settings, name, "") or "")[1]
        for name in ("DEFAULT_FROM_EMAIL", "SERVER_EMAIL")
    ]


def _at_school_domain(email: str) -> bool:
    """At the school's own domain (the one ``DEFAULT_FROM_EMAIL`` is sent from), one of its
    subdomains, or a domain that looks like it."""
    school = parseaddr(settings.DEFAULT_FROM_EMAIL or "")[1].rpartition("@")[2]
    if not school:
        return False
    domain = email.rpartition("@")[2]
    school, domain = skeleton(school), skeleton(domain)
    return domain == school or domain.endswith("." + school)


def address_refusal(user, email: str) -> str | None:
    """Why ``user`` may not take ``email`` as their sign-in address, or None. Asked when the
    link is requested and again when it is followed (the world may have changed in between)."""
    if folded(email) == folded(user.email or ""):
        return "That is already your sign-in address."
    taken = get_user_model().objects.exclude(pk=user.pk).filter(email__iexact=email).exists()
    if (
        taken
        or any(same_mailbox(email, address) for address in _school_addresses())
        or is_mixed_script_lookalike(email)
        or lookalike_of(email=email, exclude_pk=user.pk) is not None
    ):
        return ADDRESS_REFUSED
    # A parent, governor or volunteer with a school-domain address would pass for staff, and
    # would squat an address a later staff import needs.
    # (The IT technician, ``is_staff`` in the admin, works for the school too.)
    if not (user.is_school_staff or user.is_staff) and _at_school_domain(email):
        return SCHOOL_DOMAIN_REFUSED
    return None


class ChangeEmailForm(forms.Form):
    current_password = forms.CharField(
        label="Your current password",
        strip=False,
        error_messages={"required": "Enter your current password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    email = forms.EmailField(
        label="New email address",
        max_length=254,
        error_messages={
            "required": "Enter your new email address",
            "invalid": "Enter an email address like name@example.org",
        },
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
            count_in_window(key, EMAIL_CHANGE_WINDOW_SECONDS)
            raise forms.ValidationError("That is not your current password.")
        return password

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        refusal = address_refusal(self.user, email)
        if refusal:
            raise forms.ValidationError(refusal)
        return email
