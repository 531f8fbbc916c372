"""Request hardening: nothing a signed-in person sees is stored by the browser or a cache; a NUL
character gets our 400 page instead of a database error; and the sign-in lock-out locks one
username from one address, and an address trying many usernames, each at its own limit."""

import uuid
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from safeguarding import raising
from safeguarding.models import Concern, ConcernAttachment, ConcernSubject
from tests.conftest import PASSWORD, sign_in
from tests.safeguarding.conftest import form_data


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def concern(dsl, teacher, pupil):
    data = {
        "idempotency_key": uuid.uuid4(),
        "category": "physical",
        "urgency": "routine",
        "account": "He said his dad hit him.",
        "happened_at": timezone.now(),
        "location": "Classroom 3",
        "child_told": "told",
    }
    made, _ = raising.raise_concern(teacher, data, [(pupil, ConcernSubject.Part.SUBJECT)], marks=[])
    return made


@pytest.fixture
def attachment(concern):
    made = ConcernAttachment(
        concern=concern,
        filename="drawing.pdf",
        content_type="application/pdf",
        size=8,
        content=b"%PDF-1.4",
    )
    made.save()
    return made


def assert_not_stored(response):
    cache_control = response.get("Cache-Control", "")
    assert "no-store" in cache_control and "private" in cache_control, cache_control
    assert "public" not in cache_control


# Cache-Control


def test_the_student_page_is_not_stored(client, teacher, pupil):
    response = sign_in(client, teacher).get(f"/records/students/{pupil.pk}/")
    assert response.status_code == 200
    assert_not_stored(response)


def test_the_concern_page_and_its_attachment_are_not_stored(client, dsl, concern, attachment):
    sign_in(client, dsl, verified=True)
    page = client.get(f"/safeguarding/concerns/{concern.pk}/")
    assert page.status_code == 200
    assert_not_stored(page)
    download = client.get(f"/safeguarding/concerns/{concern.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert_not_stored(download)


def test_the_concern_form_is_not_stored(client, teacher):
    response = sign_in(client, teacher).get("/safeguarding/log/")
    assert response.status_code == 200
    assert_not_stored(response)


def test_redirects_and_refusals_to_signed_in_people_are_not_stored(client, teacher, pupil):
    sign_in(client, teacher)
    assert_not_stored(client.get("/no/such/page/"))
    assert_not_stored(client.post("/safeguarding/log/", form_data(pupil)))


def test_static_files_stay_cacheable(client, teacher):
    response = sign_in(client, teacher).get(f"/{settings.STATIC_URL.lstrip('/')}css/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# NUL characters


@pytest.mark.parametrize("query", ["?q=%00", "?q=Maya%00", "?%00=1", "?q=ok&page=%00"])
def test_a_nul_in_the_query_gives_our_400_page(client, teacher, query):
    sign_in(client, teacher)
    for path in ("/records/students/", "/records/students/find/", "/audit/"):
        response = client.get(path + query)
        assert response.status_code == 400, path
        assert "could not be used" in response.content.decode()


def test_a_nul_in_a_form_field_gives_our_400_page_and_saves_nothing(client, teacher, pupil):
    sign_in(client, teacher)
    response = client.post("/safeguarding/log/", form_data(pupil, account="He said\x00 so."))
    assert response.status_code == 400
    assert "Back button" in response.content.decode()
    assert not Concern.objects.exists()


def test_a_nul_when_signed_out_gives_the_400_page_too(client, db):
    response = client.post("/accounts/login/", {"username": "dsl\x00", "password": "x"})
    assert response.status_code == 400


def test_a_nul_in_a_header_the_lock_out_stores_gives_the_400_page(client, db):
    response = client.post(
        "/accounts/login/", {"username": "dsl", "password": "x"}, HTTP_USER_AGENT="Bot\x00"
    )
    assert response.status_code == 400
    assert not AccessAttempt.objects.exists()


def test_ordinary_text_still_goes_through(client, teacher, pupil):
    sign_in(client, teacher)
    assert client.get("/records/students/?q=Maya").status_code == 200
    response = client.post("/safeguarding/log/", form_data(pupil, account="Ça va? 0 \\0 %00"))
    assert response.status_code == 302
    assert Concern.objects.count() == 1


# Sign-in lock-out


def sign_in_attempt(client, username, password, address):
    client.logout()
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_wrong_passwords_for_one_username_lock_that_pair_only(client, dsl, teacher):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_attempt(client, "dsl", "wrong", "192.0.2.10")
    assert sign_in_attempt(client, "dsl", PASSWORD, "192.0.2.10").status_code == 429
    # Someone else on the school's shared address still signs in,
    assert sign_in_attempt(client, "teacher", PASSWORD, "192.0.2.10").status_code == 302
    # and the DSL can from another address,
    assert sign_in_attempt(client, "dsl", PASSWORD, "198.51.100.7").status_code == 302
    # or from this one once the cool-off has passed.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    assert sign_in_attempt(client, "dsl", PASSWORD, "192.0.2.10").status_code == 302


def test_one_wrong_password_fewer_than_the_limit_does_not_lock(client, dsl):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in_attempt(client, "dsl", "wrong", "192.0.2.10")
    assert sign_in_attempt(client, "dsl", PASSWORD, "192.0.2.10").status_code == 302


def test_an_address_trying_many_usernames_is_locked_at_the_higher_limit(client, dsl, teacher):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT
    for n in range(limit - 1):
        sign_in_attempt(client, f"guess{n}", "Summer2026!", "203.0.113.66")
    # Below the address limit, a person there may still sign in,
    assert sign_in_attempt(client, "teacher", PASSWORD, "203.0.113.66").status_code == 302
    sign_in_attempt(client, "guess-last", "Summer2026!", "203.0.113.66")
    # at it, the whole address is locked, whoever tries,
    assert sign_in_attempt(client, "dsl", PASSWORD, "203.0.113.66").status_code == 429
    assert sign_in_attempt(client, "new-guess", "Summer2026!", "203.0.113.66").status_code == 429
    # while everyone elsewhere signs in as usual.
    assert sign_in_attempt(client, "dsl", PASSWORD, "192.0.2.10").status_code == 302


def test_a_colleagues_success_does_not_forgive_the_address(client, teacher):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    for n in range(limit - 1):
        sign_in_attempt(client, f"guess{n}", "Summer2026!", "203.0.113.66")
    assert sign_in_attempt(client, "teacher", PASSWORD, "203.0.113.66").status_code == 302
    sign_in_attempt(client, "guess-last", "Summer2026!", "203.0.113.66")
    assert sign_in_attempt(client, "teacher", PASSWORD, "203.0.113.66").status_code == 429
