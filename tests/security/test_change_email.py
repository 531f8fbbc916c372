"""Third review, 2: "Change my email address". The admin no longer changes the sign-in address
of an account in use (whoever sets it resets the password from their own mailbox); the person
changes it themselves, with their current password. The address they had is told (so a session
left open cannot move the account quietly), and for an appointed role the DSL and the head
teacher too; the audit trail says the field changed, never the addresses."""

import pytest
from auditlog.models import LogEntry
from django.core import mail

from tests.conftest import PASSWORD, sign_in

URL = "/accounts/email/"


def change(client, email, password=PASSWORD):
    return client.post(URL, {"current_password": password, "email": email})


def entries():
    return LogEntry.objects.filter(additional_data__how="email-changed-by-owner")


def test_anonymous_is_sent_to_sign_in(client):
    for response in (client.get(URL), change(client, "x@school.test")):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_is_linked_from_where_people_manage_their_sign_in(client, teacher):
    sign_in(client, teacher)
    assert URL in client.get("/accounts/two-factor/").content.decode()
    assert client.get(URL).status_code == 200


def test_a_person_changes_their_own_address_and_the_old_one_is_told(
    client, teacher, dsl, head, django_capture_on_commit_callbacks
):
    sign_in(client, teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = change(client, "teacher.new@mailbox.example")
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.email == "teacher.new@mailbox.example"
    # Only the old address hears of it (a teacher holds no appointed role), content-free.
    (message,) = mail.outbox
    assert message.to == ["teacher@school.test"]
    assert "was changed" in message.subject
    assert "tell the Designated Safeguarding Lead" in message.body
    assert "teacher.new" not in message.body
    (entry,) = entries()
    assert entry.actor == teacher and entry.object_pk == str(teacher.pk)
    assert entry.additional_data["fields"] == ["email"]
    assert "mailbox.example" not in str(entry.additional_data) + str(entry.changes)


def test_an_appointed_person_changing_their_address_is_told_to_the_dsl_and_head(
    client, deputy, dsl, head, django_capture_on_commit_callbacks
):
    sign_in(client, deputy, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert change(client, "deputy.home@mailbox.example").status_code == 302
    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == sorted(["deputy@school.test", dsl.email, head.email])
    assert all("deputy.home" not in message.body for message in mail.outbox)


def test_a_wrong_password_changes_nothing_and_keeps_what_was_typed(client, teacher):
    sign_in(client, teacher)
    response = change(client, "teacher.new@mailbox.example", password="not my password")
    assert response.status_code == 400
    page = response.content.decode()
    assert "That is not your current password." in page
    assert 'value="teacher.new@mailbox.example"' in page
    teacher.refresh_from_db()
    assert teacher.email == "teacher@school.test"
    assert mail.outbox == [] and not entries().exists()


def test_guessing_the_password_stops_after_a_few_tries(client, teacher):
    sign_in(client, teacher)
    for _ in range(5):
        change(client, "teacher.new@mailbox.example", password="guess")
    response = change(client, "teacher.new@mailbox.example")  # even the right one, for now
    assert response.status_code == 400
    assert "Too many wrong passwords" in response.content.decode()
    teacher.refresh_from_db()
    assert teacher.email == "teacher@school.test"


@pytest.mark.parametrize(
    "address",
    [
        "dsl@school.test",  # another account's
        "DSL@School.test",  # the same, in capitals
        "dsI@school.test",  # a capital I passing for the small L
        "dsl+mine@school.test",  # delivered to the DSL's mailbox
        "dsl@schооl.test",  # Cyrillic o
    ],
)
def test_an_address_of_another_account_or_a_lookalike_is_refused(client, teacher, dsl, address):
    sign_in(client, teacher)
    response = change(client, address)
    assert response.status_code == 400
    assert "This address cannot be used" in response.content.decode()
    teacher.refresh_from_db()
    assert teacher.email == "teacher@school.test"
    assert mail.outbox == [] and not entries().exists()


def test_the_schools_own_address_is_refused(client, teacher, settings):
    settings.DEFAULT_FROM_EMAIL = "Oak School <safeguarding@school.test>"
    sign_in(client, teacher)
    assert change(client, "safeguarding@school.test").status_code == 400


def test_someone_with_an_app_confirms_it_first(client, deputy):
    """A stolen password and an open session are not enough for the safeguarding team."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=deputy, name="app", confirmed=True)
    sign_in(client, deputy)  # not verified
    response = change(client, "deputy.home@mailbox.example")
    assert response.status_code == 302 and "/accounts/two-factor/verify/" in response["Location"]
    deputy.refresh_from_db()
    assert deputy.email == "deputy@school.test"


def test_the_reset_then_goes_to_the_new_address_only(client, teacher):
    sign_in(client, teacher)
    change(client, "teacher.new@mailbox.example")
    client.logout()
    mail.outbox.clear()
    client.post("/accounts/password-reset/", {"email": "teacher@school.test"})
    assert mail.outbox == []
    client.post("/accounts/password-reset/", {"email": "teacher.new@mailbox.example"})
    assert [m.to for m in mail.outbox] == [["teacher.new@mailbox.example"]]
