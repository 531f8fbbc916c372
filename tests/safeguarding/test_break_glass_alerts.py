"""Break-glass (P10): the safeguarding team is always told, and telling them never gets in the way
of the member of staff who needs the record in an emergency. The DSL and deputies get an alert in
the app at once; the email is queued, retried, and shown as failed like every safeguarding email.
Neither names the child or the reason (those are in the audit trail)."""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from confidentiality.models import BreakGlassAccess
from confidentiality.signals import break_glass_used
from safeguarding import routing
from safeguarding.models import Alert, Notification
from tests.conftest import sign_in

REASON = "Maya collapsed in PE and I need her allergies and emergency steps now."


class BrokenMailServer(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def mail_down(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BrokenMailServer"}}


@pytest.fixture
def mail_up(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def break_glass(client, person, student, capture):
    sign_in(client, person)
    with capture(execute=True):
        response = client.post(
            f"/records/students/{student.pk}/emergency-access/", {"reason": REASON}
        )
    return response


def test_with_the_mail_server_down_the_teacher_still_gets_the_record(
    client, mail_down, other_teacher, dsl, deputy, pupil, django_capture_on_commit_callbacks
):
    response = break_glass(client, other_teacher, pupil, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == f"/records/students/{pupil.pk}/"
    assert "Type 1 diabetes" in client.get(response["Location"]).content.decode()
    assert BreakGlassAccess.objects.filter(user=other_teacher).exists()
    # The team is told in the app at once, with who and when only.
    alerts = Alert.objects.filter(kind=Alert.Kind.BREAK_GLASS)
    assert {a.recipient for a in alerts} == {dsl, deputy}
    for alert in alerts:
        assert str(other_teacher) in alert.message
        assert "Maya" not in alert.message and REASON not in alert.message
        assert alert.url == f"/audit/?person={other_teacher.pk}"
    # The emails are kept and will be retried.
    emails = Notification.objects.filter(template="break_glass")
    assert {n.recipient for n in emails} == {dsl, deputy}
    assert all(n.status == Notification.Status.RETRYING and n.attempts == 1 for n in emails)
    assert all("SMTPServerDisconnected" in n.last_error for n in emails)


def test_an_email_that_keeps_failing_is_shown_to_the_team_as_failed(
    client, mail_down, other_teacher, dsl, deputy, pupil, django_capture_on_commit_callbacks
):
    break_glass(client, other_teacher, pupil, django_capture_on_commit_callbacks)
    later = timezone.now()
    for _ in range(Notification.MAX_ATTEMPTS):
        later += timezone.timedelta(hours=1)
        with django_capture_on_commit_callbacks(execute=True):
            routing.retry_due(now=later)
    emails = Notification.objects.filter(template="break_glass")
    assert all(n.status == Notification.Status.FAILED for n in emails)
    failed = Alert.objects.filter(kind=Alert.Kind.DELIVERY_FAILED, recipient=dsl)
    assert failed.exists()
    assert "emergency access to a record" in failed.first().message
    sign_in(client, dsl, verified=True)
    page = client.get("/safeguarding/").content.decode()
    section = page[page.index('id="failed-heading"') :]
    section = section[: section.index("</section>")]
    assert "To Dsl Tester about emergency access to a record" in section
    assert "Maya" not in section and REASON not in section


def test_the_team_is_emailed_when_the_mail_server_works(
    client, mail_up, other_teacher, dsl, deputy, pupil, django_capture_on_commit_callbacks
):
    break_glass(client, other_teacher, pupil, django_capture_on_commit_callbacks)
    assert sorted(address for email in mail.outbox for address in email.to) == [
        "deputy@school.test",
        "dsl@school.test",
    ]
    for email in mail.outbox:
        assert str(other_teacher) in email.body
        assert "Maya" not in email.body and REASON not in email.body
    assert all(
        n.status == Notification.Status.SENT
        for n in Notification.objects.filter(template="break_glass")
    )


def test_a_teacher_who_did_not_break_glass_is_not_alerted(
    client, mail_up, teacher, other_teacher, dsl, pupil, django_capture_on_commit_callbacks
):
    break_glass(client, other_teacher, pupil, django_capture_on_commit_callbacks)
    assert not Alert.objects.filter(recipient__in=[teacher, other_teacher]).exists()


@pytest.fixture
def without_safeguarding_receiver():
    """As if no app listened for break-glass: the core must tell the team itself."""
    assert break_glass_used.disconnect(dispatch_uid="safeguarding-break-glass")
    yield
    break_glass_used.connect(
        routing.tell_team_of_break_glass, dispatch_uid="safeguarding-break-glass"
    )


def test_with_no_receiver_the_core_emails_the_team_itself(
    client,
    mail_up,
    without_safeguarding_receiver,
    other_teacher,
    dsl,
    pupil,
    django_capture_on_commit_callbacks,
):
    response = break_glass(client, other_teacher, pupil, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    (email,) = mail.outbox
    assert email.to == ["dsl@school.test"] and REASON not in email.body
    assert not Alert.objects.exists()


def test_with_no_receiver_a_mail_failure_is_logged_without_content_not_raised(
    client,
    mail_down,
    without_safeguarding_receiver,
    other_teacher,
    dsl,
    pupil,
    caplog,
    django_capture_on_commit_callbacks,
):
    with caplog.at_level(logging.ERROR, logger="confidentiality"):
        response = break_glass(client, other_teacher, pupil, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    (record,) = [r for r in caplog.records if r.name == "confidentiality.notifications"]
    assert "SMTPServerDisconnected" in record.getMessage()
    assert "Maya" not in record.getMessage() and REASON not in record.getMessage()
    assert BreakGlassAccess.objects.filter(user=other_teacher).exists()


def test_a_failing_receiver_falls_back_to_the_core_email(
    client, mail_up, other_teacher, dsl, pupil, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("alerts table unavailable")

    monkeypatch.setattr(routing, "alert", broken)
    response = break_glass(client, other_teacher, pupil, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert BreakGlassAccess.objects.filter(user=other_teacher).exists()
    (email,) = mail.outbox
    assert email.to == ["dsl@school.test"]
