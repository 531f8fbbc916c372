"""Who may handle a subject-access request (P4): the DSL and the deputies, with a confirmed
second factor. Everyone else (the head teacher, who does not read concerns, teachers, the
office, volunteers, health professionals, governors, parents, the IT administrator) gets a 404
on every page and step, as if nothing were there; nobody signed out reaches any of them."""

import pytest
from django.urls import reverse

from confidentiality.roles import Role
from subject_access import casework
from subject_access.models import SubjectAccessRequest
from tests.conftest import sign_in

OUTSIDERS = [
    ("head2", Role.HEAD_TEACHER),
    ("teacher2", Role.TEACHER),
    ("ta2", Role.TEACHING_ASSISTANT),
    ("office2", Role.OFFICE_STAFF),
    ("volunteer2", Role.VOLUNTEER),
    ("nurse2", Role.HEALTH_PROFESSIONAL),
    ("governor2", Role.GOVERNOR),
    ("chair2", Role.CHAIR_OF_GOVERNORS),
    ("clerk2", Role.CLERK),
    ("parent2", Role.PARENT),
    ("itadmin", None),
]


def _pages(sar):
    """(method, address) of every page and step of the app."""
    one = {"pk": sar.pk}
    return [
        ("get", reverse("subject_access:home")),
        ("get", reverse("subject_access:log")),
        ("post", reverse("subject_access:log")),
        ("get", reverse("subject_access:request", kwargs=one)),
        ("get", reverse("subject_access:edit", kwargs=one)),
        ("post", reverse("subject_access:edit", kwargs=one)),
        ("get", reverse("subject_access:extend", kwargs=one)),
        ("post", reverse("subject_access:extend", kwargs=one)),
        ("post", reverse("subject_access:move_on", kwargs=one)),
        ("post", reverse("subject_access:gather", kwargs=one)),
        ("get", reverse("subject_access:file", kwargs=one)),
        ("post", reverse("subject_access:redact_everywhere", kwargs=one)),
        ("post", reverse("subject_access:unredact_everywhere", kwargs={**one, "index": 0})),
        ("get", reverse("subject_access:item", kwargs={**one, "number": 1})),
        ("post", reverse("subject_access:item", kwargs={**one, "number": 1})),
        ("post", reverse("subject_access:remove_mark", kwargs={**one, "number": 1, "index": 0})),
        ("get", reverse("subject_access:preview", kwargs=one)),
        ("get", reverse("subject_access:export", kwargs=one)),
    ]


@pytest.fixture
def ready(sar, dsl):
    """A request whose file is gathered, one name redacted everywhere, and ready to send."""
    casework.gather(sar, dsl)
    casework.add_mark(sar, None, "Oliver Stone", "third_party")
    return casework.set_status(sar, "ready", dsl)


@pytest.mark.parametrize(("username", "role"), OUTSIDERS)
def test_everyone_outside_the_team_gets_404_everywhere(client, ready, make_user, username, role):
    person = make_user(username, role)
    if role is None:
        person.is_superuser = person.is_staff = True
        person.save()
    sign_in(client, person, verified=True)
    before = ready.case_file
    for method, url in _pages(ready):
        response = getattr(client, method)(url, {"status": "sent", "phrase": "Maya"})
        assert response.status_code == 404, f"{username} {method} {url}"
    ready.refresh_from_db()
    assert ready.case_file == before and ready.status == "ready"
    assert SubjectAccessRequest.objects.count() == 1


@pytest.mark.parametrize("who", ["dsl", "deputy"])
def test_the_team_opens_every_page(client, ready, request, who):
    sign_in(client, request.getfixturevalue(who), verified=True)
    for method, url in _pages(ready):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_the_team_needs_a_confirmed_second_factor(client, ready, dsl):
    sign_in(client, dsl, verified=False)
    for method, url in _pages(ready):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "verify" in response["Location"] or "two-factor" in response["Location"], url


def test_nobody_signed_out_reaches_a_page(client, ready):
    for method, url in _pages(ready):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_a_deputy_who_leaves_the_team_loses_the_requests_at_once(client, ready, deputy):
    from confidentiality.roles import group_for

    sign_in(client, deputy, verified=True)
    url = reverse("subject_access:request", kwargs={"pk": ready.pk})
    assert client.get(url).status_code == 200
    deputy.groups.remove(group_for(Role.DEPUTY_DSL))
    client.logout()
    from confidentiality.models import User

    sign_in(client, User.objects.get(pk=deputy.pk), verified=True)
    assert client.get(url).status_code == 404


def test_an_item_that_is_not_there_is_a_404(client, ready, dsl):
    sign_in(client, dsl, verified=True)
    url = reverse("subject_access:item", kwargs={"pk": ready.pk, "number": 999})
    assert client.get(url).status_code == 404
