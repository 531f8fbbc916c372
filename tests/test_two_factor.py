"""Two-factor sign-in: enrolment, recovery codes and enforcement for the safeguarding team."""

from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import sign_in


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_the_dsl_cannot_open_a_record_without_a_verified_second_factor(client, dsl, pupil):
    sign_in(client, dsl)
    response = client.get(f"/records/students/{pupil.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/verify/")


def test_the_dsl_opens_a_record_once_verified(client, dsl, pupil):
    sign_in(client, dsl, verified=True)
    assert client.get(f"/records/students/{pupil.pk}/").status_code == 200


def test_the_head_teacher_needs_it_for_the_audit_trail(client, head):
    sign_in(client, head)
    assert client.get("/audit/").status_code == 302
    sign_in(client, head, verified=True)
    assert client.get("/audit/").status_code == 200


def test_a_teacher_without_two_factor_still_opens_their_pupils(client, teacher, pupil):
    sign_in(client, teacher)
    assert client.get(f"/records/students/{pupil.pk}/").status_code == 200


def test_enrolment_confirms_the_app_and_shows_recovery_codes(client, dsl, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code below would otherwise delay the next
    sign_in(client, dsl)
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=dsl, confirmed=False)
    wrong = client.post("/accounts/two-factor/setup/", {"token": "000000"})
    assert b"did not match" in wrong.content
    done = client.post("/accounts/two-factor/setup/", {"token": _code(device)})
    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed


def test_a_recovery_code_works_once(client, dsl, pupil):
    sign_in(client, dsl, verified=True)
    codes = client.post("/accounts/two-factor/recovery-codes/").context["codes"]
    client.logout()
    sign_in(client, dsl)
    target = f"/records/students/{pupil.pk}/"
    response = client.post("/accounts/two-factor/verify/", {"token": codes[0], "next": target})
    assert response.status_code == 302 and response["Location"] == target
    assert client.get(target).status_code == 200
    client.logout()
    sign_in(client, dsl)
    again = client.post("/accounts/two-factor/verify/", {"token": codes[0]})
    assert again.status_code == 400
    assert b"has been used already" in again.content
    assert StaticToken.objects.filter(device__user=dsl).count() == 9


def test_signing_in_sends_an_enrolled_dsl_to_verify(client, dsl):
    TOTPDevice.objects.create(user=dsl, name="app", confirmed=True)
    from tests.conftest import PASSWORD

    response = client.post("/accounts/login/", {"username": "dsl", "password": PASSWORD})
    assert response["Location"].startswith("/accounts/two-factor/verify/")
