"""P7 and P24: parents ask to meet and answer the school's requests to discuss their child's
case with a class; the child's teachers and the safeguarding team see and answer; no discussion
is recorded as held without a yes."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from records.models import DiscussionPermission, FamilyNotice, MeetingRequest
from tests.conftest import sign_in

from .conftest import access_entries

# --- meeting requests (P7) -----------------------------------------------------------------------


def ask(client, student, **extra):
    data = {"topic": "Friendship worries", "preferred_times": "Tuesdays after 3pm"} | extra
    return client.post(f"/portal/children/{student.pk}/ask-to-meet/", data)


def test_a_parent_asks_to_meet_and_the_teacher_is_emailed_without_details(
    client, parent, teacher, child, django_capture_on_commit_callbacks
):
    sign_in(client, parent)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, child, details="She cried at bedtime")
    assert response.status_code == 302
    meeting = MeetingRequest.objects.get()
    assert meeting.requested_by == parent and meeting.is_open
    assert meeting.details == "She cried at bedtime"
    assert [m.to for m in mail.outbox] == [[teacher.email]]
    body = mail.outbox[0].body + mail.outbox[0].subject
    assert "Friendship" not in body and "cried" not in body and "Ravi" not in body


def test_a_meeting_form_with_errors_keeps_what_was_typed(client, parent, child):
    response = ask(sign_in(client, parent), child, preferred_times="")
    assert response.status_code == 400
    assert 'value="Friendship worries"' in response.content.decode()
    assert not MeetingRequest.objects.exists()


def test_a_parent_cannot_ask_about_another_child(client, parent, child, other_child):
    assert ask(sign_in(client, parent), other_child).status_code == 404
    assert not MeetingRequest.objects.exists()


@pytest.fixture
def meeting(child, parent):
    request = MeetingRequest(
        student=child, requested_by=parent, topic="Reading", preferred_times="Monday"
    )
    request.save()
    return request


def test_the_meeting_pages_ladder(client, teacher, other_teacher, office, parent, dsl, meeting):
    url = f"/records/meetings/{meeting.pk}/"
    assert client.get(url).status_code == 302
    for outsider in (other_teacher, office, parent):
        assert sign_in(client, outsider).get(url).status_code == 404
        assert "Ravi" not in sign_in(client, outsider).get("/records/meetings/").content.decode()
    # A refused meeting is never audited; each staff look at the (for them, empty) list is,
    # and the parent is refused the list itself.
    assert not access_entries(meeting).exists()
    assert access_entries(how="meeting requests").count() == 2
    assert sign_in(client, teacher).get(url).status_code == 200
    assert access_entries(meeting).count() == 1
    assert sign_in(client, dsl, verified=True).get(url).status_code == 200
    assert "Ravi Patel" in client.get("/records/meetings/").content.decode()


def test_the_teacher_arranges_and_the_parent_reads_the_reply(
    client, teacher, parent, child, meeting, django_capture_on_commit_callbacks
):
    sign_in(client, teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/records/meetings/{meeting.pk}/",
            {"status": "arranged", "reply": "Thursday 3.30pm in Room 3"},
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "arranged" and meeting.answered_by == teacher
    assert mail.outbox[0].to == [parent.email]
    assert "Room 3" not in mail.outbox[0].body
    page = sign_in(client, parent).get(f"/portal/children/{child.pk}/").content.decode()
    assert "Thursday 3.30pm in Room 3" in page and "Meeting arranged" in page


def test_an_answer_needs_a_reply(teacher, meeting):
    with pytest.raises(ValidationError):
        meeting.answer(by=teacher, status="declined", reply=" ")
    with pytest.raises(ValidationError):
        meeting.answer(by=teacher, status="open", reply="x")


# --- messages to the family ----------------------------------------------------------------------


def test_a_teacher_sends_a_message_the_parents_read_in_the_portal(
    client, teacher, parent, other_parent, child, other_child
):
    response = sign_in(client, teacher).post(
        f"/records/students/{child.pk}/messages/new/",
        {"title": "Trip on Friday", "body": "Please bring wellies."},
    )
    assert response.status_code == 302
    assert FamilyNotice.objects.get().sent_by == teacher
    assert "Please bring wellies." in (
        sign_in(client, parent).get(f"/portal/children/{child.pk}/").content.decode()
    )
    assert "wellies" not in (
        sign_in(client, other_parent).get(f"/portal/children/{other_child.pk}/").content.decode()
    )


def test_only_those_who_work_with_the_family_send_messages(client, office, other_teacher, child):
    for person in (office, other_teacher):
        url = f"/records/students/{child.pk}/messages/new/"
        assert sign_in(client, person).get(url).status_code == 404


# --- permission to discuss a case with a class (P24) ----------------------------------------------


def request_permission(client, student, group):
    return client.post(
        f"/records/students/{student.pk}/discussion-permission/new/",
        {"teaching_group": group.pk, "topic": "Ravi's diabetes: what the class can do to help"},
    )


def test_a_teacher_asks_and_the_parent_answers_yes_in_the_portal(
    client, teacher, parent, child, oak
):
    assert request_permission(sign_in(client, teacher), child, oak).status_code == 302
    permission = DiscussionPermission.objects.get()
    assert permission.is_pending
    sign_in(client, parent)
    page = client.get(f"/portal/permissions/{permission.pk}/").content.decode()
    assert "what the class can do to help" in page
    assert access_entries(permission).count() == 1
    client.post(f"/portal/permissions/{permission.pk}/", {"granted": "yes"})
    permission.refresh_from_db()
    assert permission.answer == "granted"
    assert permission.answered_by == parent and permission.answered_at


def test_marking_used_without_a_yes_is_refused_with_a_message(client, teacher, child, oak):
    request_permission(sign_in(client, teacher), child, oak)
    permission = DiscussionPermission.objects.get()
    response = client.post(f"/records/discussion-permissions/{permission.pk}/used/", follow=True)
    assert "The parents have not given permission" in response.content.decode()
    permission.refresh_from_db()
    assert permission.used_at is None


def test_mark_used_rule_on_the_model(teacher, parent, child, oak):
    permission = DiscussionPermission(
        student=child, teaching_group=oak, topic="x", requested_by=teacher
    )
    permission.save()
    with pytest.raises(ValidationError):
        permission.mark_used(by=teacher)  # pending
    permission.respond(by=parent, granted=False)
    with pytest.raises(ValidationError):
        permission.mark_used(by=teacher)  # refused
    permission.respond(by=parent, granted=True)
    permission.mark_used(by=teacher)
    assert permission.used_at and permission.used_by == teacher
    with pytest.raises(ValidationError):
        permission.respond(by=parent, granted=False)  # too late: it has happened


def test_only_a_parent_with_responsibility_answers(client, other_parent, teacher, child, oak):
    permission = DiscussionPermission(
        student=child, teaching_group=oak, topic="x", requested_by=teacher
    )
    permission.save()
    sign_in(client, other_parent)
    assert (
        client.post(f"/portal/permissions/{permission.pk}/", {"granted": "yes"}).status_code == 404
    )
    with pytest.raises(ValidationError):
        permission.respond(by=teacher, granted=True)
    permission.refresh_from_db()
    assert permission.is_pending


def test_the_discussion_pages_ladder(client, other_teacher, office, parent, child, oak):
    url = f"/records/students/{child.pk}/discussion-permission/new/"
    assert client.get(url).status_code == 302
    for outsider in (other_teacher, office, parent):
        assert sign_in(client, outsider).get(url).status_code == 404


# --- who is emailed of a meeting request: those who teach or support the child ------------------


def test_the_child_s_teacher_and_assigned_ta_are_emailed_not_the_team_nor_other_classes(
    db, teacher, ta, other_teacher, dsl, deputy, parent, child
):
    from records.models import SupportAssignment
    from records.notifications import staff_working_with

    SupportAssignment.objects.create(
        staff=ta, student=child, kind=SupportAssignment.Kind.TEACHING_ASSISTANT
    )
    # The safeguarding team reads every meeting request in the app; they are not emailed of
    # each one in the school, only of those of a child they teach themselves.
    assert staff_working_with(child) == sorted([teacher.email, ta.email])
    child.teaching_groups.first().staff.add(deputy)
    assert deputy.email in staff_working_with(child)
    assert dsl.email not in staff_working_with(child)
    assert other_teacher.email not in staff_working_with(child)


def test_the_core_names_role_holders_only_when_asked(db, teacher, dsl, child):
    from confidentiality import access
    from records.policy import FAMILY_CONTACT

    everyone = set(access.holders_of(child, FAMILY_CONTACT))
    assert {teacher, dsl} <= everyone
    given_on_this_child = set(access.holders_of(child, FAMILY_CONTACT, through_role=False))
    assert teacher in given_on_this_child and dsl not in given_on_this_child
