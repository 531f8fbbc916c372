"""The safeguarding dashboard shows each member of the team only what they may open (P3, P5):
emails that could not be delivered about a concern about an adult show only to the people that
concern was routed to, never to the adult it names; requests for advice come through the door."""

import uuid

import pytest
from django.utils import timezone

from safeguarding import adults
from safeguarding.models import AdviceRequest, Notification
from tests.conftest import sign_in


def raise_about(author, person):
    concern, _ = adults.raise_adult_concern(
        author,
        {
            "idempotency_key": uuid.uuid4(),
            "person": person,
            "nature": "allegation",
            "category": "other",
            "urgency": "routine",
            "account": "Gave a pupil his phone number.",
            "happened_at": timezone.now(),
        },
    )
    return concern


def failed_email(recipient, concern):
    return Notification.objects.create(
        recipient=recipient,
        concern=concern,
        template="concern_raised",
        context={"reference": concern.reference},
        status=Notification.Status.FAILED,
        attempts=Notification.MAX_ATTEMPTS,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )


def failed_section(client, user) -> str:
    sign_in(client, user, verified=True)
    response = client.get("/safeguarding/")
    assert response.status_code == 200
    page = response.content.decode()
    if 'id="failed-heading"' not in page:
        return ""
    section = page[page.index('id="failed-heading"') :]
    return section[: section.index("</section>")]


@pytest.fixture
def child_concern(raise_concern, teacher, pupil, team):
    return raise_concern(teacher, [pupil])


def test_failed_emails_about_a_child_show_to_the_whole_team(client, child_concern, dsl, deputy):
    failed_email(dsl, child_concern)
    for person in (dsl, deputy):
        assert child_concern.reference in failed_section(client, person)


def test_failed_emails_about_an_adult_show_only_to_its_handlers(
    client, teacher, other_teacher, dsl, deputy, head
):
    concern = raise_about(teacher, other_teacher)  # handled by the DSL and the head
    failed_email(head, concern)
    section = failed_section(client, dsl)
    assert concern.reference in section and "Head Tester" in section
    assert failed_section(client, deputy) == ""  # not routed to the deputies


def test_the_dsl_named_never_sees_failed_emails_about_themselves(
    client, teacher, dsl, deputy, head
):
    concern = raise_about(teacher, dsl)  # handled by the head and the deputies
    failed_email(deputy, concern)
    assert concern.reference in failed_section(client, deputy)
    assert failed_section(client, dsl) == ""
    sign_in(client, dsl, verified=True)
    assert "could not be delivered" not in client.get("/").content.decode()  # nor the count


def test_the_dashboard_panel_counts_only_what_the_reader_may_follow(
    client, teacher, other_teacher, dsl, deputy, head
):
    failed_email(head, raise_about(teacher, other_teacher))
    sign_in(client, deputy, verified=True)
    assert "could not be delivered" not in client.get("/").content.decode()
    sign_in(client, dsl, verified=True)
    assert "1 email could not be delivered" in client.get("/").content.decode()


def test_requests_for_advice_waiting_show_to_the_team(client, teacher, dsl, deputy, head, pupil):
    advice = AdviceRequest(asked_by=teacher, student=pupil, question="Is this a worry?")
    advice.save()
    for person in (dsl, deputy):
        sign_in(client, person, verified=True)
        assert advice.reference in client.get("/safeguarding/").content.decode()
    sign_in(client, head, verified=True)
    assert client.get("/safeguarding/").status_code == 404
