"""Forgotten passwords, and the first password of an account the MIS import created: Django's
reset views, which answer the same whether or not an account has the email, and a one-time link
that sets a password the person then signs in with."""

import re

from django.core import mail

from records.importing.accounts import new_account
from tests.conftest import sign_in

NEW_PASSWORD = "a brand new river stone 42"


def ask(client, email):
    return client.post("/accounts/password-reset/", {"email": email})


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", message.body).group(1)


def test_the_login_page_offers_a_reset(client, db):
    text = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password-reset/"' in text and "Forgotten your password?" in text


def test_a_known_email_gets_a_link_and_an_unknown_one_gets_the_same_answer(client, teacher):
    known = ask(client, "TEACHER@school.test")
    assert known.status_code == 302 and known["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [teacher.email]
    assert "/accounts/password-reset/" in mail.outbox[0].body
    unknown = ask(client, "nobody@school.test")
    assert unknown.status_code == known.status_code and unknown["Location"] == known["Location"]
    assert len(mail.outbox) == 1
    done = client.get(known["Location"])
    assert (
        done.status_code == 200 and "If that address belongs to an account" in done.content.decode()
    )


def test_a_reset_link_sets_a_new_password_and_the_person_signs_in(client, teacher):
    ask(client, teacher.email)
    response = client.get(link_in(mail.outbox[0]), follow=True)
    assert response.status_code == 200 and "Choose a new password" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/done/"
    teacher.refresh_from_db()
    assert teacher.check_password(NEW_PASSWORD)
    response = client.post("/accounts/login/", {"username": "teacher", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    # The link works once.
    used = client.get(link_in(mail.outbox[0]), follow=True)
    assert "This link no longer works" in used.content.decode()


def test_an_imported_account_without_a_password_chooses_its_first(client, db):
    new_account("ada", email="ada@school.test", first_name="Ada")
    ask(client, "ada@school.test")
    assert len(mail.outbox) == 1
    response = client.get(link_in(mail.outbox[0]), follow=True)
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    response = client.post("/accounts/login/", {"username": "ada", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_mismatched_password_is_refused_and_nothing_changes(client, teacher):
    ask(client, teacher.email)
    form_url = client.get(link_in(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": "other"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    teacher.refresh_from_db()
    assert not teacher.check_password(NEW_PASSWORD)


def test_an_inactive_account_gets_no_email(client, teacher):
    teacher.is_active = False
    teacher.save()
    assert ask(client, teacher.email).status_code == 302
    assert mail.outbox == []


def test_someone_who_has_not_signed_the_agreement_can_still_reset(client, volunteer):
    sign_in(client, volunteer, agreed=False)
    assert client.get("/accounts/password-reset/").status_code == 200
    assert ask(client, volunteer.email)["Location"] == "/accounts/password-reset/sent/"


def test_the_email_carries_only_the_link(client, teacher):
    ask(client, teacher.email)
    message = mail.outbox[0]
    assert "Riverside" in message.subject or "school" in message.subject.lower()
    assert "teacher" in message.body and "Maya" not in message.body


def test_the_link_uses_the_configured_address_not_the_request_host(client, teacher, settings):
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    settings.SITE_URL = "https://school.example"
    client.post("/accounts/password-reset/", {"email": teacher.email}, HTTP_HOST="evil.example")
    body = mail.outbox[0].body
    assert "https://school.example/accounts/" in body and "evil.example" not in body


def test_a_link_sent_before_the_account_was_closed_no_longer_works(client, teacher):
    ask(client, teacher.email)
    link = link_in(mail.outbox[0])
    teacher.is_active = False
    teacher.save()
    response = client.get(link, follow=True)
    assert response.context["validlink"] is False
