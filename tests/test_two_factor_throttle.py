"""After a wrong code django-otp makes the device wait before it checks another: a right code
typed at once is refused unchecked. The pages say so in words, with how long to wait; a wrong
code keeps its own message."""

from datetime import timedelta

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import sign_in

VERIFY = "/accounts/two-factor/verify/"
SETUP = "/accounts/two-factor/setup/"


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _wrong(device):
    return f"{(int(_code(device)) + 1) % 1_000_000:06d}"


def _page(response):
    return response.content.decode().replace("&#x27;", "'")


def _the_wait_is_over(device):
    device.refresh_from_db()
    device.throttling_failure_timestamp -= timedelta(minutes=5)
    device.save()


@pytest.fixture
def enrolled_dsl(client, dsl):
    device = TOTPDevice.objects.create(user=dsl, name="Authenticator app", confirmed=True)
    sign_in(client, dsl)
    return device


def test_a_wrong_code_is_called_wrong(client, enrolled_dsl):
    page = _page(client.post(VERIFY, {"token": _wrong(enrolled_dsl)}))
    assert "That code is not right, or has been used already." in page
    assert "not checked" not in page


def test_a_right_code_typed_at_once_after_a_wrong_one_is_not_checked_and_says_so(
    client, enrolled_dsl
):
    client.post(VERIFY, {"token": _wrong(enrolled_dsl)})
    response = client.post(VERIFY, {"token": _code(enrolled_dsl), "next": "/"})
    page = _page(response)
    assert response.status_code == 400  # the form's error: nothing was signed in
    assert "Your code was not checked: after a wrong code the next try has to wait." in page
    assert "Wait 1 second, then try again." in page
    assert "That code is not right" not in page
    # Once the wait is over the right code is checked, and signs them in.
    _the_wait_is_over(enrolled_dsl)
    done = client.post(VERIFY, {"token": _code(enrolled_dsl), "next": "/"})
    assert done.status_code == 302


def test_the_wait_doubles_and_is_said_in_seconds(client, enrolled_dsl):
    for _ in range(3):
        if enrolled_dsl.throttling_failure_count:
            _the_wait_is_over(enrolled_dsl)  # each wrong code is checked, and counts
        client.post(VERIFY, {"token": _wrong(enrolled_dsl)})
        enrolled_dsl.refresh_from_db()
    assert enrolled_dsl.throttling_failure_count == 3
    page = _page(client.post(VERIFY, {"token": _code(enrolled_dsl)}))
    assert "Wait 4 seconds" in page


def test_a_recovery_code_typed_at_once_is_not_checked_either_nor_used_up(client, dsl, enrolled_dsl):
    sign_in(client, dsl, verified=True)
    codes = client.post("/accounts/two-factor/recovery-codes/").context["codes"]
    client.logout()
    sign_in(client, dsl)
    client.post(VERIFY, {"token": _wrong(enrolled_dsl)})
    page = _page(client.post(VERIFY, {"token": codes[0], "next": "/"}))
    assert "Your code was not checked" in page and "has been used already" not in page
    assert StaticToken.objects.filter(device__user=dsl, token=codes[0]).exists()
    for device in StaticDevice.objects.filter(user=dsl):
        _the_wait_is_over(device)
    assert client.post(VERIFY, {"token": codes[0], "next": "/"}).status_code == 302


def test_setup_says_so_too(client, dsl):
    sign_in(client, dsl)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=dsl, confirmed=False)
    wrong = _page(client.post(SETUP, {"token": _wrong(device)}))
    assert "That code did not match. Check the time on your phone and try again." in wrong
    assert "not checked" not in wrong
    throttled = _page(client.post(SETUP, {"token": _code(device)}))
    assert "Your code was not checked: after a wrong code the next try has to wait." in throttled
    assert "did not match" not in throttled
    _the_wait_is_over(device)
    done = client.post(SETUP, {"token": _code(device)})
    assert len(done.context["codes"]) == 10
