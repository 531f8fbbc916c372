"""C1 (defence in depth) and the lows of the reviews, about accounts.

A password reset, a new authenticator app or new recovery codes on the account of anyone who
holds an appointed role (the DSL, a deputy, the head teacher, the chair of governors: the people
who handle concerns about adults; the clerk to the governors, who appoints the chair) is an
audit entry and a content-free email to the DSL and the
head teacher, whoever of them is not that person, one message each; for the chair of governors,
to the DSL and the clerk instead, never the head teacher. Everyone else's are audited
without an email. Reset requests are throttled without changing the answer; the session key
changes when the second factor is confirmed; publishing the agreement and reading its
signatures need a verified second factor; a CSRF failure shows our own page."""

import re

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from confidentiality import roles
from confidentiality.roles import Role
from tests.conftest import sign_in

NEW_PASSWORD = "a brand new river stone 42"


@pytest.fixture
def chair(make_user):
    person = make_user("chair", Role.GOVERNOR)
    person.groups.add(roles.group_for(Role.CHAIR_OF_GOVERNORS))
    return person


def entries(how, person):
    return LogEntry.objects.filter(additional_data__how=how, object_pk=str(person.pk))


def alerts():
    return [m for m in mail.outbox if "Security alert" in m.subject]


def reset_password(client, person):
    client.post("/accounts/password-reset/", {"email": person.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", mail.outbox[-1].body)
    form_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]
    return client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(client):
    client.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.filter(confirmed=False).latest("pk")
    return client.post("/accounts/two-factor/setup/", {"token": code(device)})


# --- C1: the chair's password is reset and a new authenticator enrolled ------------------------


@pytest.fixture
def clerk(make_user):
    return make_user("clerk", Role.CLERK)


def test_a_reset_of_the_chairs_password_is_audited_and_alerted(
    client, chair, dsl, head, clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = reset_password(client, chair)
    assert response.status_code == 302
    assert entries("password-reset", chair).count() == 1
    sent = alerts()
    assert sorted(m.to[0] for m in sent) == sorted([dsl.email, clerk.email])  # never the head
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in sent)  # one each
    body = sent[0].body
    assert "Chair Tester" in body and "the password was reset" in body
    assert "allegation" not in body.lower()


def test_a_new_authenticator_on_the_chairs_account_is_audited_and_alerted(
    client, chair, dsl, head, clerk, django_capture_on_commit_callbacks
):
    sign_in(client, chair)
    with django_capture_on_commit_callbacks(execute=True):
        assert enrol(client).status_code == 200
    assert entries("second-factor-enrolled", chair).count() == 1
    assert sorted(m.to[0] for m in alerts()) == sorted([dsl.email, clerk.email])
    assert "a new authenticator app was set up" in alerts()[0].body


def test_new_recovery_codes_of_a_deputy_are_alerted(
    client, deputy, dsl, head, django_capture_on_commit_callbacks
):
    sign_in(client, deputy, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/two-factor/recovery-codes/")
    assert entries("recovery-codes-issued", deputy).count() == 1
    assert sorted(m.to[0] for m in alerts()) == sorted([dsl.email, head.email])


def test_the_dsl_resetting_their_own_password_is_told_to_the_head_only(
    client, dsl, head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reset_password(client, dsl)
    assert [m.to for m in alerts()] == [[head.email]]


def test_the_head_enrolling_is_told_to_the_dsl_only(
    client, dsl, head, django_capture_on_commit_callbacks
):
    sign_in(client, head)
    with django_capture_on_commit_callbacks(execute=True):
        enrol(client)
    assert [m.to for m in alerts()] == [[dsl.email]]


def test_a_teachers_reset_is_audited_but_nobody_is_alerted(
    client, teacher, dsl, head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reset_password(client, teacher)
    assert entries("password-reset", teacher).count() == 1
    assert alerts() == []


def test_a_governor_who_is_not_chair_is_not_alerted(
    client, governor, dsl, django_capture_on_commit_callbacks
):
    sign_in(client, governor)
    with django_capture_on_commit_callbacks(execute=True):
        enrol(client)
    assert entries("second-factor-enrolled", governor).count() == 1
    assert alerts() == []


def test_a_new_authenticator_on_the_clerks_account_is_alerted(
    client, make_user, dsl, head, django_capture_on_commit_callbacks
):
    """The replay: a clerk installed by the head enrolled an authenticator unnoticed."""
    clerk = make_user("clerk", Role.CLERK)
    sign_in(client, clerk)
    with django_capture_on_commit_callbacks(execute=True):
        enrol(client)
    assert sorted(m.to[0] for m in alerts()) == sorted([dsl.email, head.email])
    assert "Clerk Tester holds an appointed role" in alerts()[0].body


def test_the_alert_says_an_everyday_account_holds_no_appointed_role(
    teacher, dsl, head, django_capture_on_commit_callbacks
):
    from confidentiality import account_alerts

    with django_capture_on_commit_callbacks(execute=True):
        account_alerts.email_changed_in_admin(teacher, "teacher@school.test")
    assert len(alerts()) == 3  # the old address, the DSL, the head
    for message in alerts():
        assert "handles confidential concerns" not in message.body
        assert "appointed role" not in message.body
    assert not hasattr(account_alerts, "WATCHED_ACCOUNT_CHECKS")  # no hook nobody registers


# --- reset requests are throttled; the answer never changes ------------------------------------


def test_the_reset_window_outlasts_the_file_caches_default_timeout(settings, tmp_path, monkeypatch):
    """The file cache's incr writes the count back with its default five-minute timeout: the
    hour's limit must not start again after five quiet minutes."""
    import time

    from django.test import RequestFactory

    from confidentiality.views.accounts import _reset_throttled

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    request = RequestFactory().post("/accounts/password-reset/")
    start = time.time()
    assert not any(_reset_throttled(request, "dsl@school.test") for _ in range(3))
    monkeypatch.setattr(time, "time", lambda: start + 400)
    assert _reset_throttled(request, "dsl@school.test")
    monkeypatch.setattr(time, "time", lambda: start + 3700)  # the hour is over
    assert not _reset_throttled(request, "dsl@school.test")


def test_a_count_that_vanishes_between_add_and_incr_still_counts(settings, monkeypatch):
    from django.core.cache import caches

    from confidentiality import attempts

    cache = caches["default"]  # the object behind the module's proxy
    cache.clear()
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)  # someone else's add
    monkeypatch.setattr(cache, "incr", lambda *args, **kwargs: 5)  # ... and their count
    assert attempts.count_in_window("password-reset:test", 3600) == 5

    def vanished(*args, **kwargs):
        raise ValueError

    monkeypatch.setattr(cache, "incr", vanished)
    assert attempts.count_in_window("password-reset:test", 3600) == 1


def test_six_requests_for_one_address_send_at_most_three_emails(client, dsl):
    answers = {
        client.post("/accounts/password-reset/", {"email": dsl.email})["Location"] for _ in range(6)
    }
    assert answers == {"/accounts/password-reset/sent/"}
    assert len(mail.outbox) == 3


def test_one_client_asking_for_many_addresses_is_throttled(client, make_user, settings):
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 4
    people = [make_user(f"person{n}", Role.TEACHER) for n in range(6)]
    for person in people:
        response = client.post("/accounts/password-reset/", {"email": person.email})
        assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 4
    # Another client is not held up by the first.
    other = Client(REMOTE_ADDR="192.0.2.9")
    other.post("/accounts/password-reset/", {"email": people[5].email})
    assert len(mail.outbox) == 5


# --- the session key changes with the second factor --------------------------------------------


def test_verifying_rotates_the_session_key(client, dsl):
    device = TOTPDevice.objects.create(user=dsl, name="app", confirmed=True)
    sign_in(client, dsl)
    before = client.session.session_key
    response = client.post("/accounts/two-factor/verify/", {"token": code(device)})
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.get("/audit/").status_code == 200  # still signed in, now verified


def test_enrolling_rotates_the_session_key(client, teacher):
    sign_in(client, teacher)
    before = client.session.session_key
    enrol(client)
    assert client.session.session_key != before


# --- the agreement's publishing and signatures need the second factor --------------------------


@pytest.mark.parametrize("persona", ["dsl", "deputy", "head"])
def test_an_unverified_manager_cannot_publish_or_read_signatures(client, request, persona):
    from confidentiality.models import ConfidentialityAgreement

    sign_in(client, request.getfixturevalue(persona))  # not verified
    before = ConfidentialityAgreement.objects.count()
    for url in ("/agreement/signatures/", "/agreement/publish/"):
        response = client.get(url)
        assert response.status_code == 302 and "/two-factor/verify/" in response["Location"]
    response = client.post(
        "/agreement/publish/", {"text": "A new text.", "effective_from": "2030-01-01"}
    )
    assert response.status_code == 302 and "/two-factor/verify/" in response["Location"]
    assert ConfidentialityAgreement.objects.count() == before


def test_a_verified_dsl_still_reads_the_signatures(client, dsl):
    sign_in(client, dsl, verified=True)
    assert client.get("/agreement/signatures/").status_code == 200


# --- our own CSRF failure page -----------------------------------------------------------------


def test_a_csrf_failure_shows_our_own_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Please send that again" in page
    assert "CSRF" not in page and "csrf" not in page.replace("csrfmiddlewaretoken", "")


# --- fourth review, 2: the chair's account changes never reach the head teacher -------------
# The chair set up a second factor (needed only to open a concern about the head) and the head
# was emailed "Security alert: Gail Foster's account was changed" and read it in the trail.


def trail_page(client, person) -> str:
    sign_in(client, person, verified=True)
    response = client.get("/audit/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_head_who_is_also_the_dsl_is_not_told_of_the_chairs_changes(
    client, chair, make_user, clerk, django_capture_on_commit_callbacks
):
    head_dsl = make_user("headdsl", Role.DSL)
    head_dsl.groups.add(roles.group_for(Role.HEAD_TEACHER))
    sign_in(client, chair)
    with django_capture_on_commit_callbacks(execute=True):
        enrol(client)
    assert [m.to for m in alerts()] == [[clerk.email]]


def test_the_admin_changing_the_chairs_email_is_not_told_to_the_head(
    chair, dsl, head, clerk, django_capture_on_commit_callbacks
):
    from confidentiality import account_alerts

    with django_capture_on_commit_callbacks(execute=True):
        account_alerts.email_changed_in_admin(chair, "chair.old@school.test")
    told = sorted(m.to[0] for m in alerts())
    assert head.email not in told
    assert told == sorted([dsl.email, clerk.email, "chair.old@school.test"])


def test_the_head_still_hears_of_a_deputys_new_authenticator(
    client, chair, dsl, deputy, head, clerk, django_capture_on_commit_callbacks
):
    """The other side: only the chair's account is kept from the head."""
    sign_in(client, deputy)
    with django_capture_on_commit_callbacks(execute=True):
        enrol(client)
    assert sorted(m.to[0] for m in alerts()) == sorted([dsl.email, head.email])


def test_the_heads_trail_never_shows_the_chairs_second_factor_or_reset(
    client, chair, deputy, dsl, head
):
    enrol(sign_in(Client(), deputy))  # shown: the head reads the rest of the trail
    enrol(sign_in(Client(), chair))
    reset_password(Client(), chair)
    assert entries("second-factor-enrolled", chair).exists()
    assert entries("password-reset", chair).exists()

    page = trail_page(client, head)
    assert "set up two-factor sign-in for" in page and "Deputy Tester" in page
    assert page.count("set up two-factor sign-in for") == 1  # the deputy's, not the chair's
    assert "reset the password of" not in page
    # Nor through a filter on the chair's account or the export.
    page = client.get("/audit/", {"subject": f"confidentiality.user:{chair.pk}"})
    assert "set up two-factor sign-in for" not in page.content.decode()
    export = b"".join(client.get("/audit/export.csv").streaming_content).decode()
    assert export.count("set up two-factor sign-in for") == 1 and "Deputy Tester" in export
    assert "reset the password of" not in export


def test_the_dsl_reads_the_chairs_second_factor_in_the_trail(client, chair, dsl, head):
    """The other side: the DSL, who is told, reads the entries."""
    enrol(sign_in(Client(), chair))
    page = trail_page(client, dsl)
    assert "set up two-factor sign-in for" in page and "Chair Tester" in page


def test_the_head_reads_a_deputys_second_factor_in_the_trail(client, deputy, dsl, head):
    enrol(sign_in(Client(), deputy))
    page = trail_page(client, head)
    assert "set up two-factor sign-in for" in page and "Deputy Tester" in page


def test_the_chairs_entries_stay_hidden_after_the_chair_hands_over(
    client, chair, dsl, head, make_user
):
    """Written while the account was the chair's: a later handover does not show the head when
    the former chair set up a second factor."""
    enrol(sign_in(Client(), chair))
    chair.groups.remove(roles.group_for(Role.CHAIR_OF_GOVERNORS))
    make_user("newchair", Role.CHAIR_OF_GOVERNORS)
    assert "set up two-factor sign-in for" not in trail_page(client, head)
    assert "set up two-factor sign-in for" in trail_page(Client(), dsl)
