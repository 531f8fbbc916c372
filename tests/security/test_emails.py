"""Second review 4 and 7: every email goes to one person (nobody sees another family's address),
portal emails go only to those with parental responsibility (a meeting reply only to whoever
asked), and a name with a line break, a zero-width or a bidirectional character can neither
break nor disguise a header: the email is delivered with a clean subject."""

# ruff: noqa: F811  (the safeguarding fixtures are imported below)

import uuid

import pytest
from django.core import mail
from django.utils import timezone

from confidentiality.notifications import header_safe, send_templated
from confidentiality.roles import Role
from records import notifications
from records.models import MeetingRequest, ParentLink
from safeguarding import adults
from safeguarding.models import Notification
from tests.conftest import sign_in
from tests.safeguarding.conftest import _tasks_run_at_once, raise_concern  # noqa: F401


@pytest.fixture
def family(pupil, parent, make_user):
    """``pupil``'s mother (``parent``) and father with parental responsibility, and a
    childminder without it."""
    ParentLink.objects.create(
        parent=parent, student=pupil, relationship=ParentLink.Relationship.MOTHER
    )
    father = make_user("father", Role.PARENT)
    ParentLink.objects.create(
        parent=father, student=pupil, relationship=ParentLink.Relationship.FATHER
    )
    childminder = make_user("childminder", Role.PARENT)
    ParentLink.objects.create(
        parent=childminder,
        student=pupil,
        relationship=ParentLink.Relationship.OTHER,
        parental_responsibility=False,
    )
    return {"mother": parent, "father": father, "childminder": childminder}


def named(user, first_name, last_name="Tester"):
    """As an import would write it: the name exactly as given."""
    user.first_name, user.last_name = first_name, last_name
    user.save()
    return user


def recipients() -> list[list[str]]:
    return sorted(message.to for message in mail.outbox)


# --- one message each, to those with responsibility only --------------------------------------


def test_a_school_message_is_one_email_per_parent_with_responsibility(pupil, family):
    assert notifications.tell_parents(pupil, "a new message from the school") == 2
    assert recipients() == [["father@school.test"], ["parent@school.test"]]
    for message in mail.outbox:
        assert not message.cc and not message.bcc
        assert "childminder@school.test" not in str(message.message())


def test_a_permission_request_never_reaches_a_contact_without_responsibility(pupil, family):
    notifications.tell_parents(pupil, "a request for your permission", responsibility_only=True)
    assert ["childminder@school.test"] not in recipients()
    assert len(mail.outbox) == 2


def test_a_meeting_reply_goes_only_to_whoever_asked(
    client, pupil, family, dsl, django_capture_on_commit_callbacks
):
    meeting = MeetingRequest(
        student=pupil, requested_by=family["father"], topic="Homework", preferred_times="Any"
    )
    meeting.save()
    sign_in(client, dsl, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/records/meetings/{meeting.pk}/",
            {"status": MeetingRequest.Status.ARRANGED, "reply": "Tuesday at 3.30pm"},
        )
    assert response.status_code == 302
    assert recipients() == [["father@school.test"]]


def test_a_meeting_reply_is_not_emailed_to_someone_no_longer_linked(pupil, family):
    meeting = MeetingRequest(
        student=pupil, requested_by=family["father"], topic="Homework", preferred_times="Any"
    )
    meeting.save()
    ParentLink.objects.filter(parent=family["father"]).delete()
    assert notifications.tell_requester_of_reply(meeting) == 0
    assert mail.outbox == []


def test_send_templated_sends_each_address_its_own_message(db):
    sent = send_templated(
        "portal_update",
        ["a@school.test", "b@school.test", "A@school.test"],
        {"what": "a message"},
    )
    assert sent == 2
    assert recipients() == [["a@school.test"], ["b@school.test"]]


# --- header values are made safe ---------------------------------------------------------------


@pytest.mark.parametrize(
    "odd",
    [
        "Tom\r\nBcc: everyone@example.test",
        "Tom\nBennett",
        "Tom\u200bBennett",  # zero-width space
        "Tom\u202eBennett",  # right-to-left override
        "Tom\u2028Bennett",  # line separator
        "Tom\x00\x1bBennett",
    ],
)
def test_header_safe_removes_every_unsafe_character(odd):
    clean = header_safe(odd)
    assert all(ch not in clean for ch in "\r\n\u200b\u202e\u2028\x00\x1b")
    assert clean.startswith("Tom")


def test_a_concern_raised_by_a_name_with_a_line_break_is_delivered(
    make_user, pupil, dsl, raise_concern, django_capture_on_commit_callbacks
):
    author = named(make_user("imported", Role.TEACHER), "Tom\r\nBcc: x@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        raise_concern(author, [pupil])
    assert Notification.objects.get().status == Notification.Status.SENT
    message = mail.outbox[0]
    assert message.to == ["dsl@school.test"]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "Tom Bcc: x@example.test" in message.subject
    sent = message.message()
    assert sent["Bcc"] is None and "x@example.test" not in message.recipients()
    assert all("\n" not in str(value) for _name, value in sent.items())


def test_a_concern_about_an_adult_named_with_bidi_characters_is_delivered(
    make_user, teacher, dsl, head, django_capture_on_commit_callbacks
):
    author = named(make_user("odd", Role.TEACHER), "\u202eMoT\u200b")
    with django_capture_on_commit_callbacks(execute=True):
        adults.raise_adult_concern(
            author,
            {
                "idempotency_key": uuid.uuid4(),
                "person": teacher,
                "nature": "low_level",
                "category": "other",
                "urgency": "routine",
                "account": "Shouts at children.",
                "happened_at": timezone.now(),
            },
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["dsl@school.test", "head@school.test"]
    assert all("\u202e" not in m.subject and "\u200b" not in m.subject for m in mail.outbox)
    assert Notification.objects.exclude(status=Notification.Status.SENT).count() == 0


def test_an_apostrophe_reads_as_an_apostrophe(
    make_user, pupil, dsl, raise_concern, django_capture_on_commit_callbacks
):
    author = named(make_user("obrien", Role.TEACHER), "Siobhán", "O'Brien")
    with django_capture_on_commit_callbacks(execute=True):
        raise_concern(author, [pupil])
    message = mail.outbox[0]
    assert "O'Brien" in message.subject and "O'Brien" in message.body
    assert "&#x27;" not in message.subject + message.body
