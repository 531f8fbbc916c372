"""P7: staff record a pupil's request to talk. The recorder, the person the child asked for and
the safeguarding team read it; the person asked for is emailed only who recorded it and when,
and sees it on their dashboard until it is marked as done."""

import pytest
from django.core import mail

from records.models import TalkRequest
from tests.conftest import sign_in

from .conftest import access_entries

ABOUT = "Worried about things at home"


def record(client, student, person=None, about=ABOUT):
    data = {"about": about, "wants_to_talk_to": person.pk if person else ""}
    return client.post(f"/records/students/{student.pk}/talk-requests/new/", data)


@pytest.fixture
def talk_request(teacher, office, pupil):
    return TalkRequest.record(student=pupil, by=teacher, wants_to_talk_to=office, about=ABOUT)


def test_a_teacher_records_a_request_and_the_person_asked_for_is_emailed_without_details(
    client, teacher, office, pupil, django_capture_on_commit_callbacks
):
    sign_in(client, teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = record(client, pupil, office)
    assert response.status_code == 302 and response["Location"].endswith("#talk-requests")
    talk_request = TalkRequest.objects.get()
    assert talk_request.recorded_by == teacher and talk_request.wants_to_talk_to == office
    assert talk_request.about == ABOUT and talk_request.is_open
    assert [m.to for m in mail.outbox] == [[office.email]]
    body = mail.outbox[0].body + mail.outbox[0].subject + mail.outbox[0].alternatives[0][0]
    assert "Teacher Tester" in body
    assert "Maya" not in body and "Quinn" not in body and "home" not in body
    assert access_entries(pupil).filter(actor=teacher).count() == 1


def test_the_child_need_not_name_anyone_or_say_why(
    client, teacher, pupil, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = record(sign_in(client, teacher), pupil, about="")
    assert response.status_code == 302
    talk_request = TalkRequest.objects.get()
    assert talk_request.wants_to_talk_to is None and not talk_request.about
    assert mail.outbox == []


def test_a_form_with_errors_keeps_what_was_typed(client, teacher, pupil):
    response = record(sign_in(client, teacher), pupil, about="x" * 4001)
    assert response.status_code == 400
    assert "x" * 4001 + "</textarea>" in response.content.decode()
    assert not TalkRequest.objects.exists()


@pytest.mark.parametrize("persona", ["other_teacher", "volunteer", "parent", "nurse", "governor"])
def test_those_who_do_not_teach_or_support_the_child_cannot_record(client, request, persona, pupil):
    sign_in(client, request.getfixturevalue(persona))
    assert client.get(f"/records/students/{pupil.pk}/talk-requests/new/").status_code == 404
    assert record(client, pupil).status_code == 404
    assert not TalkRequest.objects.exists()
    assert not access_entries().exists()


def test_the_detail_ladder(client, teacher, office, dsl, other_teacher, parent, talk_request):
    url = f"/records/talk-requests/{talk_request.pk}/"
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # The child's other teachers, parents and the head do not read it.
    for outsider in (other_teacher, parent):
        assert sign_in(client, outsider).get(url).status_code == 404
    assert not access_entries().exists()
    for reader in (teacher, office):
        response = sign_in(client, reader).get(url)
        assert response.status_code == 200 and ABOUT in response.content.decode()
    assert access_entries(talk_request).count() == 2
    assert sign_in(client, dsl).get(url).status_code == 302  # the team's second factor first
    response = sign_in(client, dsl, verified=True).get(url)
    assert response.status_code == 200 and ABOUT in response.content.decode()


def test_another_teacher_of_the_child_does_not_see_it_on_the_student_page(
    client, make_user, oak, talk_request, pupil
):
    from confidentiality.roles import Role

    colleague = make_user("colleague", Role.TEACHER)
    oak.staff.add(colleague)
    text = sign_in(client, colleague).get(f"/records/students/{pupil.pk}/").content.decode()
    assert "Requests to talk" in text and "Asked to talk to" not in text


def test_the_person_asked_for_sees_it_on_the_dashboard_until_it_is_done(
    client, office, teacher, talk_request
):
    text = sign_in(client, office).get("/").content.decode()
    assert "Pupils who would like to talk to you" in text and "Maya Quinn" in text
    # The recorder's dashboard does not list it as theirs to answer.
    assert "Maya Quinn" not in sign_in(client, teacher).get("/").content.decode()

    url = f"/records/talk-requests/{talk_request.pk}/"
    response = sign_in(client, office).post(url, {"outcome": ""})
    assert response.status_code == 400 and talk_request.is_open
    response = client.post(url, {"outcome": "We talked at lunchtime."})
    assert response.status_code == 302
    talk_request.refresh_from_db()
    assert not talk_request.is_open and talk_request.closed_by == office
    assert talk_request.outcome == "We talked at lunchtime."
    text = client.get("/").content.decode()
    assert "Maya Quinn" not in text and "No pupil is waiting to talk to you." in text


def test_the_list_shows_only_what_each_person_may_read(
    client, teacher, office, other_teacher, deputy, talk_request
):
    for reader in (teacher, office):
        assert (
            "Maya Quinn" in sign_in(client, reader).get("/records/talk-requests/").content.decode()
        )
    text = sign_in(client, other_teacher).get("/records/talk-requests/").content.decode()
    assert "Maya Quinn" not in text
    text = sign_in(client, deputy, verified=True).get("/records/talk-requests/").content.decode()
    assert "Maya Quinn" in text


def test_an_outsider_cannot_close_it(client, other_teacher, talk_request):
    url = f"/records/talk-requests/{talk_request.pk}/"
    assert sign_in(client, other_teacher).post(url, {"outcome": "Done"}).status_code == 404
    talk_request.refresh_from_db()
    assert talk_request.is_open


def test_what_the_child_said_is_encrypted_at_rest(db, talk_request):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT about FROM records_talkrequest")
        (stored,) = cursor.fetchone()
    assert ABOUT not in str(stored)


def test_the_person_asked_for_loses_it_when_they_stop_being_staff(client, office, talk_request):
    from confidentiality.roles import Role, group_for

    office.groups.remove(group_for(Role.OFFICE_STAFF))
    office.groups.add(group_for(Role.PARENT))
    sign_in(client, office)
    assert client.get(f"/records/talk-requests/{talk_request.pk}/").status_code == 404
    assert client.post(f"/records/talk-requests/{talk_request.pk}/").status_code == 404
    talk_request.refresh_from_db()
    assert talk_request.is_open


@pytest.mark.parametrize("persona", ["dsl", "deputy"])
def test_the_team_sees_who_asked_to_talk_on_the_dashboard_only_when_verified(
    client, request, persona, teacher, pupil
):
    person = request.getfixturevalue(persona)
    TalkRequest.record(student=pupil, by=teacher, wants_to_talk_to=person, about=ABOUT)
    # Without the second factor the panel is left out, as the talk-requests page sends them to
    # verify first: no pupil's name on the dashboard.
    text = sign_in(client, person).get("/").content.decode()
    assert "Maya Quinn" not in text and "Pupils who would like to talk to you" not in text
    assert client.get("/records/talk-requests/").status_code == 302
    text = sign_in(client, person, verified=True).get("/").content.decode()
    assert "Pupils who would like to talk to you" in text and "Maya Quinn" in text
