"""Signing in, lock-out after repeated failures, idle expiry, roles and navigation, health."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse

from confidentiality import roles
from confidentiality.roles import Role
from tests.conftest import PASSWORD, sign_in


def test_it_serves_the_login_page(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_signs_in_with_the_right_password(client, teacher):
    response = client.post("/accounts/login/", {"username": "teacher", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_it_refuses_a_wrong_password_and_keeps_the_username(client, teacher):
    response = client.post("/accounts/login/", {"username": "teacher", "password": "nope"})
    assert response.status_code == 200
    assert b'value="teacher"' in response.content
    assert "_auth_user_id" not in client.session


def test_it_locks_the_account_after_repeated_failures(client, teacher):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "teacher", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "teacher", "password": PASSWORD})
    assert response.status_code == 429
    assert b"locked" in response.content
    assert "_auth_user_id" not in client.session


def test_idle_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert "confidentiality.idle_clock.IdleClockMiddleware" in settings.MIDDLEWARE


def _expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_request_moves_the_idle_expiry_on_at_most_once_a_minute(client, teacher, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from confidentiality import idle_clock

    clock = [1_900_000_000]
    monkeypatch.setattr(idle_clock.time, "time", lambda: clock[0])
    client.post("/accounts/login/", {"username": "teacher", "password": PASSWORD})
    client.get("/")
    first = _expiry(client)

    # Within the minute: the session row is not written at all.
    clock[0] += 30
    with CaptureQueriesContext(connection) as within:
        assert client.get("/").status_code == 200
    assert not [q for q in within if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert _expiry(client) == first

    # A minute on: the expiry moves on, so only inactivity ends the session.
    clock[0] += 31
    with CaptureQueriesContext(connection) as after:
        assert client.get("/").status_code == 200
    assert [q for q in after if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert _expiry(client) > first


def test_a_visitor_who_is_not_signed_in_gets_no_session_row(client, db):
    from django.contrib.sessions.models import Session

    client.get("/accounts/login/")
    client.get("/")
    assert not Session.objects.exists()


def test_passwords_are_hashed_with_argon2():
    assert settings.PASSWORD_HASHERS[0] != ""  # tests use a fast hasher; the real list:
    from confidentiality import settings as real

    assert real.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_there_is_exactly_one_current_dsl(dsl, make_user):
    rival = make_user("rival", Role.TEACHER)
    # m2m adds run without a savepoint: give each refused add its own.
    with pytest.raises(ValidationError, match="already the DSL"), transaction.atomic():
        rival.groups.add(roles.group_for(Role.DSL))
    with pytest.raises(ValidationError), transaction.atomic():
        roles.group_for(Role.DSL).user_set.add(rival)
    roles.appoint_dsl(rival)
    assert roles.current_dsl() == rival
    assert not dsl.groups.filter(name=Role.DSL.group_name).exists()


@pytest.mark.parametrize(
    ("persona", "sees", "does_not_see"),
    [
        ("teacher", ["Students", "Sign-in security"], ["Who has seen what", "Administration"]),
        ("dsl", ["Students", "Who has seen what", "Sign-in security"], ["Administration"]),
        ("head", ["Who has seen what"], ["Administration"]),
        ("nurse", ["Students", "Sign-in security"], ["Who has seen what"]),
        (
            "parent",
            ["My children", "Sign-in and email"],
            ["Dashboard", ">Home<", "Students", "Who has seen what", "Sign-in security"],
        ),
        ("governor", ["Dashboard", "Sign-in security"], ["Students", "Who has seen what"]),
    ],
)
def test_navigation_shows_each_role_only_what_it_may_use(
    client, request, persona, sees, does_not_see
):
    user = request.getfixturevalue(persona)
    sign_in(client, user)
    page = client.get("/").content.decode()
    nav = page[page.index("<nav") : page.index("</nav>")]
    for label in sees:
        assert label in nav
    for label in does_not_see:
        assert label not in nav


def test_staff_pages_show_the_safeguarding_team(client, teacher, dsl, deputy):
    dsl.phone = "ext. 201"
    dsl.save()
    page = sign_in(client, teacher).get("/").content.decode()
    assert "Dsl Tester" in page and "ext. 201" in page and "Deputy Tester" in page


def test_parents_do_not_get_the_staff_safeguarding_panel(client, parent, dsl):
    page = sign_in(client, parent).get("/").content.decode()
    assert "Safeguarding team" not in page


def test_healthz_answers_200_when_the_database_answers(client, db, settings):
    from confidentiality.pipeline_health import record_periodic_check

    record_periodic_check()  # the rest of what it reports: tests/operations/test_healthz.py
    settings.HEALTH_TOKEN = "monitoring"
    response = client.get("/healthz", headers={"Authorization": "Bearer monitoring"})
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["database"] == "ok"


def test_healthz_answers_503_when_the_database_does_not(client, db, monkeypatch, settings):
    class Unreachable:
        def cursor(self):
            raise DatabaseError("down")

    monkeypatch.setattr("confidentiality.pipeline_health.connection", Unreachable())
    settings.HEALTH_TOKEN = "monitoring"
    response = client.get("/healthz", headers={"Authorization": "Bearer monitoring"})
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_security_headers_are_set(client, db):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_error_pages_leak_nothing(client, teacher):
    sign_in(client, teacher)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"no/such" not in response.content


def test_dashboard_url_is_named():
    assert reverse("dashboard") == "/"
