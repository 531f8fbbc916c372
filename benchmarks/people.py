"""Signing in as the demo school's people, as they would be after the sign-in page: the
agreement accepted by those who must sign it, and the second factor confirmed by those who have
one to confirm (the safeguarding team, the head teacher, the chair and the clerk)."""

from django.contrib.auth import get_user_model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

# The device the benchmark confirms in the session; the load test makes its own (``load.py``).
DEVICE_NAME = "benchmark"


def needs_confirmed_factor(user) -> bool:
    from django_otp import user_has_device

    return user.needs_second_factor or user_has_device(user)


def sign_in(username: str, client: Client | None = None) -> Client:
    from confidentiality.models import ConfidentialityAgreement

    user = get_user_model().objects.get(username=username)
    client = client or Client()
    if user.must_sign_agreement:
        current = ConfidentialityAgreement.objects.current()
        if current is not None:
            current.accept(user)  # idempotent
    client.force_login(user)
    if needs_confirmed_factor(user):
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name=DEVICE_NAME, defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
