"""Sessions are kept sealed (``confidentiality.sessions``): a copy of the database shows no
message waiting for the next page, nor anything else a session holds; a session that does not
open is an empty one (its holder signs in again), never an error."""

from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse

from confidentiality.crypto.keyring import new_key_entry
from confidentiality.sessions import SessionStore
from tests.conftest import sign_in


def _stored(client) -> str:
    return Session.objects.get(session_key=client.session.session_key).session_data


def test_what_a_session_holds_is_sealed_in_the_database(client, teacher):
    sign_in(client, teacher)
    session = client.session
    session["waiting"] = "Ada Moss: child protection plan recorded"
    session.save()
    stored = _stored(client)
    assert "Ada Moss" not in stored
    # Not Django's signed form (readable by anyone who strips the signature): sealed.
    from django.contrib.sessions.backends.db import SessionStore as Plain

    assert Plain().decode(stored) == {}
    assert SessionStore().decode(stored)["waiting"] == "Ada Moss: child protection plan recorded"
    # And the person is still signed in with it.
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_session_that_does_not_open_is_empty_and_its_holder_signs_in_again(client, teacher):
    sign_in(client, teacher)
    assert client.get(reverse("dashboard")).status_code == 200
    with override_settings(FIELD_ENCRYPTION_KEYS=new_key_entry("elsewhere")):
        assert SessionStore().decode(_stored(client)) == {}
        response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_session_written_before_sealing_is_empty(teacher):
    from django.contrib.sessions.backends.db import SessionStore as Plain

    assert SessionStore().decode(Plain().encode({"_auth_user_id": str(teacher.pk)})) == {}
