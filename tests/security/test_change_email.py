"""Third review, 2: "Change my email address". The admin no longer changes the sign-in address
of an account in use (whoever sets it resets the password from their own mailbox); the person
changes it themselves, with their current password. The address they had is told (so a session
left open cannot move the account quietly), and for an appointed role the DSL and the head
teacher too; the audit trail says the field changed, never the addresses."""

import re
import time
from urllib.parse import urlsplit

import pytest
from auditlog.models import LogEntry
from django.core import mail, signing

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


def link_in(message) -> str:
    (link,) = re.findall(r"https?://\S+/accounts/email/confirm/\S+/", message.body)
    return urlsplit(link).path


def ask_for_link(client, email) -> str:
    """Ask for ``email`` and return the path of the link sent to it."""
    before = len(mail.outbox)
    response = change(client, email)
    assert response.status_code == 302
    (message,) = mail.outbox[before:]
    assert message.to == [email]
    return link_in(message)


def test_asking_sends_a_content_free_link_to_the_new_address_and_changes_nothing(client, teacher):
    sign_in(client, teacher)
    response = client.post(
        URL, {"current_password": PASSWORD, "email": "teacher.new@mailbox.example"}, follow=True
    )
    assert (
        "We have sent a link to teacher.new@mailbox.example; your address changes when you "
        "follow it." in response.content.decode()
    )
    (message,) = mail.outbox
    assert message.to == ["teacher.new@mailbox.example"]
    assert "teacher" not in message.body.replace("teacher.new", "").lower()
    assert link_in(message).startswith("/accounts/email/confirm/")
    teacher.refresh_from_db()
    assert teacher.email == "teacher@school.test"
    assert not entries().exists()


def test_the_link_is_built_from_the_configured_site_not_the_host_header(client, teacher, settings):
    settings.SITE_URL = "https://records.school.example"
    settings.ALLOWED_HOSTS = ["*"]
    sign_in(client, teacher)
    client.post(
        URL,
        {"current_password": PASSWORD, "email": "teacher.new@mailbox.example"},
        HTTP_HOST="evil.example",
    )
    (message,) = mail.outbox
    assert "https://records.school.example/accounts/email/confirm/" in message.body
    assert "evil.example" not in message.body


def test_following_the_link_changes_the_address_and_the_old_one_is_told(
    client, teacher, dsl, head, django_capture_on_commit_callbacks
):
    sign_in(client, teacher)
    link = ask_for_link(client, "teacher.new@mailbox.example")
    mail.outbox.clear()
    page = client.get(link)  # looking (or a mail scanner) changes nothing
    assert page.status_code == 200 and "teacher.new@mailbox.example" in page.content.decode()
    teacher.refresh_from_db()
    assert teacher.email == "teacher@school.test"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)
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


def test_a_link_works_once(client, teacher):
    sign_in(client, teacher)
    link = ask_for_link(client, "teacher.new@mailbox.example")
    assert client.post(link).status_code == 302
    assert client.post(link).status_code == 400
    assert entries().count() == 1


def test_a_stale_link_after_another_change_does_nothing(client, teacher):
    sign_in(client, teacher)
    first = ask_for_link(client, "teacher.first@mailbox.example")
    second = ask_for_link(client, "teacher.second@mailbox.example")
    assert client.post(second).status_code == 302
    response = client.post(first)  # sent while the account had its old address
    assert response.status_code == 400
    assert "This link does not work any more" in response.content.decode()
    teacher.refresh_from_db()
    assert teacher.email == "teacher.second@mailbox.example"
    assert entries().count() == 1


def test_a_link_for_another_account_does_nothing(client, teacher, other_teacher):
    sign_in(client, teacher)
    link = ask_for_link(client, "teacher.new@mailbox.example")
    client.logout()
    sign_in(client, other_teacher)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 400
    other_teacher.refresh_from_db()
    teacher.refresh_from_db()
    assert other_teacher.email == "other_teacher@school.test"
    assert teacher.email == "teacher@school.test"
    assert not entries().exists()


def test_a_link_older_than_a_day_does_nothing(client, teacher):
    from unittest import mock

    sign_in(client, teacher)
    link = ask_for_link(client, "teacher.new@mailbox.example")
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 24 * 3600 + 5):
        assert client.post(link).status_code == 400
    teacher.refresh_from_db()
    assert teacher.email == "teacher@school.test"


def test_a_forged_or_altered_link_does_nothing(client, teacher):
    sign_in(client, teacher)
    link = ask_for_link(client, "teacher.new@mailbox.example")
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged = signing.dumps(
        {"user": teacher.pk, "new": "x@mailbox.example", "current": "teacher@school.test"},
        salt="another-salt",
    )
    for bad in (token[:-2] + "xx", forged):
        assert client.post(f"/accounts/email/confirm/{bad}/").status_code == 400
    teacher.refresh_from_db()
    assert teacher.email == "teacher@school.test"


def test_anonymous_following_a_link_is_sent_to_sign_in(client, teacher):
    sign_in(client, teacher)
    link = ask_for_link(client, "teacher.new@mailbox.example")
    client.logout()
    response = client.post(link)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    teacher.refresh_from_db()
    assert teacher.email == "teacher@school.test"


def test_an_address_taken_before_the_link_is_followed_is_refused(client, teacher, make_user):
    sign_in(client, teacher)
    link = ask_for_link(client, "teacher.new@mailbox.example")
    someone = make_user("someone")
    someone.email = "teacher.new@mailbox.example"
    someone.save(update_fields=["email"])
    response = client.post(link)
    assert response.status_code == 400
    assert "This address cannot be used" in response.content.decode()
    teacher.refresh_from_db()
    assert teacher.email == "teacher@school.test"


def test_an_appointed_person_changing_their_address_is_told_to_the_dsl_and_head(
    client, deputy, dsl, head, django_capture_on_commit_callbacks
):
    sign_in(client, deputy, verified=True)
    link = ask_for_link(client, "deputy.home@mailbox.example")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link).status_code == 302
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
    assert mail.outbox == []
    deputy.refresh_from_db()
    assert deputy.email == "deputy@school.test"


def test_anyone_who_has_set_up_an_app_confirms_it_first(client, teacher):
    """Not only the roles that must have one: a teacher who has set one up uses it here too."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    sign_in(client, teacher)  # no app: the password is all there is
    assert client.get(URL).status_code == 200
    TOTPDevice.objects.create(user=teacher, name="app", confirmed=True)
    for response in (client.get(URL), change(client, "teacher.home@mailbox.example")):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/two-factor/verify/?next=")
    assert mail.outbox == []
    sign_in(client, teacher, verified=True)
    assert client.get(URL).status_code == 200


def test_following_a_link_also_needs_the_app_confirmed(client, deputy):
    sign_in(client, deputy, verified=True)
    link = ask_for_link(client, "deputy.home@mailbox.example")
    client.logout()
    sign_in(client, deputy)  # a new session, the app not confirmed in it
    response = client.post(link)
    assert response.status_code == 302 and "/accounts/two-factor/verify/" in response["Location"]
    deputy.refresh_from_db()
    assert deputy.email == "deputy@school.test"


def test_the_reset_then_goes_to_the_new_address_only(client, teacher):
    sign_in(client, teacher)
    client.post(ask_for_link(client, "teacher.new@mailbox.example"))
    client.logout()
    mail.outbox.clear()
    client.post("/accounts/password-reset/", {"email": "teacher@school.test"})
    assert mail.outbox == []
    client.post("/accounts/password-reset/", {"email": "teacher.new@mailbox.example"})
    assert [m.to for m in mail.outbox] == [["teacher.new@mailbox.example"]]


# --- attack review: squatting an address the MIS holds for another family, or the school's ------


@pytest.mark.parametrize("persona", ["parent", "governor", "volunteer"])
def test_anyone_but_staff_is_refused_an_address_at_the_schools_domain(
    client, request, settings, persona
):
    settings.DEFAULT_FROM_EMAIL = "Oak School <safeguarding@school.invalid>"
    user = request.getfixturevalue(persona)
    sign_in(client, user, verified=True)
    for address in ("d-sl@school.invalid", "new.person@SCHOOL.invalid", "x@mail.school.invalid"):
        response = change(client, address)
        assert response.status_code == 400, address
        assert "Only school staff may use an address" in response.content.decode()
    assert mail.outbox == []


def test_school_staff_may_ask_for_an_address_at_the_schools_domain(client, teacher, settings):
    settings.DEFAULT_FROM_EMAIL = "Oak School <safeguarding@school.invalid>"
    sign_in(client, teacher)
    ask_for_link(client, "t.tester@school.invalid")


def test_a_parent_may_ask_for_their_own_address_elsewhere(client, parent):
    sign_in(client, parent)
    client.post(ask_for_link(client, "mum.home@family.example"))
    parent.refresh_from_db()
    assert parent.email == "mum.home@family.example"
