"""Two-factor sign-in with django-otp: an authenticator app (TOTP) and one-use recovery codes.

Every page here is for anyone signed in and never waits on a second factor itself
(``second_factor=False``): these are the pages that set it up and confirm it. Replacing an app
or issuing new recovery codes asks for the current one inside the page."""

import math
from base64 import b32encode
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from confidentiality import access, account_alerts
from confidentiality.forms.two_factor import SetupTokenForm, TokenForm

from .accounts import safe_next

RECOVERY_CODE_COUNT = 10

second_factor_pages = access.requires(second_factor=False)


def _with_next(url_name: str, target: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': target})}"


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]  # drop the XML prolog: this goes inside an HTML page


def _issue_recovery_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    device.confirmed = True
    device.save()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def _seconds_to_wait(devices) -> int:
    """How long until one of ``devices`` checks a code again: 0 if one checks it now (or there
    are none), so a wrong code that one of them did check is still called wrong.

    After a wrong code django-otp makes the device wait (1, 2, 4, 8... seconds, doubling with
    each wrong code in a row) and, until then, refuses any code without checking it, even the
    right one. People must be told that, not that their right code was wrong."""
    now = timezone.now()
    waits = []
    for device in devices:
        allowed, why = device.verify_is_allowed()
        locked_until = (why or {}).get("locked_until")
        if allowed or locked_until is None:
            return 0
        waits.append(max(1, math.ceil((locked_until - now).total_seconds())))
    return min(waits, default=0)


def _too_many_tries(wait: int) -> str:
    seconds = "1 second" if wait == 1 else f"{wait} seconds"
    return (
        "Your code was not checked: after a wrong code the next try has to wait. "
        f"Wait {seconds}, then try again."
    )


def _second_factor_done(request, device) -> None:
    """Mark the session verified under a new session key: a key seen before the second factor
    (e.g. fixed by someone else) is worth nothing after it."""
    otp_login(request, device)
    request.session.cycle_key()


@second_factor_pages
def manage(request):
    confirmed = [d for d in devices_for_user(request.user) if isinstance(d, TOTPDevice)]
    recovery = StaticDevice.objects.filter(user=request.user, confirmed=True).first()
    return render(
        request,
        "two_factor/manage.html",
        {
            "has_app": bool(confirmed),
            "recovery_left": recovery.token_set.count() if recovery else 0,
            "verified": request.user.is_verified(),
        },
    )


@second_factor_pages
def setup(request):
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists() and not user.is_verified():
        # Replacing an enrolled app needs the old one first: a stolen password is not enough.
        messages.info(request, "Confirm your current code before setting up a new app.")
        return redirect(_with_next("two_factor:verify", request.path))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = SetupTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Asked before the code is tried: a wrong code makes the device wait from then on.
        wait = _seconds_to_wait([device])
        if wait:
            form.add_error("token", _too_many_tries(wait))
        elif device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user, confirmed=True).delete()
                device.confirmed = True
                device.save()
                codes = _issue_recovery_codes(user)
            _second_factor_done(request, device)
            account_alerts.account_changed(user, "second-factor-enrolled")
            return render(request, "two_factor/recovery_codes.html", {"codes": codes})
        else:
            form.add_error(
                "token", "That code did not match. Check the time on your phone and try again."
            )
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "two_factor/setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
        status=400 if form.errors else 200,
    )


@second_factor_pages
def verify(request):
    target = safe_next(request, "/")
    if request.user.is_verified():
        return redirect(target)
    if not any(True for _ in devices_for_user(request.user)):
        return redirect(_with_next("two_factor:setup", target))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        # Asked before the code is tried (a wrong code makes the devices wait from then on), of
        # the devices that could have taken it: the app for digits, else the recovery codes.
        kind = TOTPDevice if token.isdigit() else StaticDevice
        wait = _seconds_to_wait(d for d in devices_for_user(request.user) if isinstance(d, kind))
        device = match_token(request.user, token)
        if device is not None:
            _second_factor_done(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(request, f"Recovery code used. {left} left.")
            return redirect(target)
        if wait:
            form.add_error("token", _too_many_tries(wait))
        else:
            form.add_error("token", "That code is not right, or has been used already.")
    return render(
        request,
        "two_factor/verify.html",
        {"form": form, "next": target},
        status=400 if form.errors else 200,
    )


@second_factor_pages
@require_POST
def new_recovery_codes(request):
    if not request.user.is_verified():
        return redirect(_with_next("two_factor:verify", reverse("two_factor:manage")))
    codes = _issue_recovery_codes(request.user)
    account_alerts.account_changed(request.user, "recovery-codes-issued")
    return render(request, "two_factor/recovery_codes.html", {"codes": codes})
