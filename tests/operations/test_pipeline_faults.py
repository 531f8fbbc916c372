"""What happens to an alert when something breaks: the worker killed while delivering it, the
mail server down for an hour, the database down, the server killed while a concern is posted.
An alert is never lost, never sent twice, and the people who must act are told what is wrong.

Delivery is at least once, made as close to exactly once as a mail server allows: an email is
sent under a lock on its row and recorded as sent in the same transaction, and a re-run finds
it sent and sends nothing. Only a worker killed in the instant between the mail server taking
the message and the record being written sends it again, with the same Message-ID (so a mail
system may keep one copy): a duplicate alert is better than a lost one.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from confidentiality import pipeline_health, task_recovery
from safeguarding import routing
from safeguarding.models import Alert, Concern, ConcernDraft, Notification
from safeguarding.tasks import deliver_notification
from tests.conftest import sign_in
from tests.safeguarding.conftest import form_data

from .conftest import MONITORING, at


def run_worker():
    """The real worker (``manage.py db_worker --batch``): runs every ready task, then stops."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="worker-2",
        excluded_queue_names=[],
    ).run()


def delivered_to(address) -> int:
    """Safeguarding emails (not the periodic check's daily receipt) that reached ``address``."""
    return sum(
        address in message.to
        and message.extra_headers.get("Message-ID", "").startswith("<safeguarding-email-")
        for message in mail.outbox
    )


# --- (a) the worker killed in the middle of delivering an alert -------------------------------


@pytest.fixture
def alert_queued(
    task_queue, team, teacher, pupil, raise_concern, django_capture_on_commit_callbacks
):
    """A concern raised: an email for the DSL and one for the deputy, each a task in the queue."""
    with django_capture_on_commit_callbacks(execute=True):
        concern = raise_concern(teacher, [pupil])
    assert DBTaskResult.objects.ready().count() == 2
    return concern


def kill_worker_while_delivering(dsl, minutes_ago):
    """A worker claimed the DSL's email and died before its transaction committed (killed, the
    machine restarted): the task stays "running", the email still queued."""
    email = Notification.objects.get(recipient=dsl)
    task = next(t for t in DBTaskResult.objects.ready() if t.args_kwargs["args"] == [email.pk])
    task.claim("worker-1")
    then = timezone.now() - timedelta(minutes=minutes_ago)
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=then, started_at=then)
    return email, task


def test_a_worker_killed_while_delivering_is_recovered_and_sends_exactly_once(
    client, alert_queued, dsl, deputy, mail_server, django_capture_on_commit_callbacks
):
    email, task = kill_worker_while_delivering(dsl, minutes_ago=11)
    run_worker()  # another worker: it sends the deputy's email, never touches the claimed one
    assert delivered_to(deputy.email) == 1 and delivered_to(dsl.email) == 0
    email.refresh_from_db()
    assert email.status == Notification.Status.QUEUED
    # Meanwhile the health check says an alert is stuck, and why it matters.
    status = client.get("/healthz", headers=MONITORING).json()
    assert status["tasks"]["state"] == "late" and status["tasks"]["oldest_waiting_seconds"] >= 600

    with django_capture_on_commit_callbacks(execute=True):
        call_command("escalate_concerns", verbosity=0)  # the periodic check puts it back
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    run_worker()
    email.refresh_from_db()
    assert email.status == Notification.Status.SENT and email.attempts == 1
    assert delivered_to(dsl.email) == 1

    # Nothing sends it again: not another pass of the check, nor another worker, nor the task
    # run a second time (two workers racing for it).
    with django_capture_on_commit_callbacks(execute=True):
        call_command("escalate_concerns", verbosity=0)
    run_worker()
    assert deliver_notification.call(email.pk) is True
    assert delivered_to(dsl.email) == 1 and delivered_to(deputy.email) == 1
    assert client.get("/healthz", headers=MONITORING).status_code == 200


def test_a_task_running_for_a_short_while_is_left_to_its_worker(alert_queued, dsl, mail_server):
    email, task = kill_worker_while_delivering(dsl, minutes_ago=3)  # may still be sending
    assert task_recovery.requeue_stale_tasks() == 0
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


def test_a_task_that_kills_every_worker_is_given_up_not_retried_for_ever(alert_queued, dsl):
    email, task = kill_worker_while_delivering(dsl, minutes_ago=30)
    DBTaskResult.objects.filter(pk=task.pk).update(worker_ids=["w1", "w2", "w3"])
    assert task_recovery.requeue_stale_tasks() == 0
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == task_recovery.GIVEN_UP


def test_every_attempt_at_one_email_has_the_same_message_id(
    alert_queued, dsl, mail_server, tasks_at_once
):
    """The one window left (sent, then killed before it was recorded): the copy sent again is
    the same message to a mail system."""
    email = Notification.objects.get(recipient=dsl)
    routing.deliver(email)
    Notification.objects.filter(pk=email.pk).update(status=Notification.Status.QUEUED)
    email.refresh_from_db()
    routing.deliver(email)
    ids = {m.extra_headers["Message-ID"] for m in mail.outbox if dsl.email in m.to}
    assert ids == {f"<safeguarding-email-{email.pk}@school.invalid>"}


# --- (b) the mail server down for an hour ------------------------------------------------------


def test_the_mail_server_down_for_an_hour(
    client,
    dsl,
    deputy,
    head,
    teacher,
    pupil,
    raise_concern,
    mail_server,
    tasks_at_once,
    django_capture_on_commit_callbacks,
):
    start = timezone.now()
    mail_server.down = True

    def check(minutes):
        """The periodic check at ``start + minutes``, as cron runs it, then /healthz."""
        with at(start + timedelta(minutes=minutes)):
            with django_capture_on_commit_callbacks(execute=True):
                call_command("escalate_concerns", verbosity=0)
            return client.get("/healthz", headers=MONITORING)

    with at(start), django_capture_on_commit_callbacks(execute=True):
        raise_concern(teacher, [pupil])
    emails = Notification.objects.filter(template="concern_raised")
    assert {e.status for e in emails} == {Notification.Status.RETRYING}
    # The alert in the app is there at once, whatever the mail server does.
    assert Alert.objects.filter(recipient=dsl, kind=Alert.Kind.NEW_CONCERN).count() == 1

    answers = {minutes: check(minutes) for minutes in range(5, 61, 5)}
    # Retried with a growing wait: at 1, 6 and 31 minutes (seen at the next check), then the
    # team is told and it is tried every half hour.
    dsl_email = emails.get(recipient=dsl)
    assert dsl_email.attempts == 4 and dsl_email.status == Notification.Status.FAILED
    assert dsl_email.next_attempt_at == start + timedelta(minutes=35) + Notification.LATE_RETRY
    assert Alert.objects.filter(recipient=dsl, kind=Alert.Kind.DELIVERY_FAILED).count() == 2
    assert not delivered_to(dsl.email) and not delivered_to(deputy.email)

    # Failing, but not yet for long: the check stays green; after half an hour it is 503.
    assert all(answers[m].status_code == 200 for m in (5, 10, 15, 20, 25, 30))
    assert answers[10].json()["emails"]["state"] == "retrying"
    assert all(answers[m].status_code == 503 for m in (35, 40, 45, 50, 55, 60))
    late = answers[60].json()["emails"]
    assert late["state"] == "failing" and 3590 <= late["oldest_failing_seconds"] <= 3600

    # The DSL's and the head's dashboards say so, in words.
    for person in (dsl, head):
        with at(start + timedelta(minutes=61)):
            sign_in(client, person, verified=True)
            page = client.get("/").content.decode()
        assert (
            "Emails to the safeguarding team have been failing for 1 hour: tell your technician."
            in page
        )

    mail_server.down = False
    back = check(65)
    assert back.status_code == 200 and back.json()["emails"]["state"] == "ok"
    assert {e.status for e in emails.all()} == {Notification.Status.SENT}
    assert delivered_to(dsl.email) == 1 and delivered_to(deputy.email) == 1
    # Told once that it could not be delivered; later tries went on quietly.
    assert Alert.objects.filter(recipient=dsl, kind=Alert.Kind.DELIVERY_FAILED).count() == 2
    with at(start + timedelta(minutes=65)):
        sign_in(client, dsl, verified=True)
        page = client.get("/").content.decode()
    assert "Alerts are flowing." in page


def test_an_email_is_given_up_after_a_day(dsl, mail_server):
    mail_server.down = True
    email = Notification.objects.create(recipient=dsl, template="concern_raised", context={})
    later = email.created_at + timedelta(days=1, minutes=1)
    for _ in range(Notification.MAX_ATTEMPTS):
        routing.deliver(email, now=later)
    assert email.status == Notification.Status.FAILED and email.next_attempt_at is None


# --- (c) the database down ---------------------------------------------------------------------


def down(*args, **kwargs):
    raise OperationalError("could not connect to server: Connection refused")


def test_the_database_down_gives_a_page_that_says_so(db, teacher, monkeypatch):
    browser = Client(raise_request_exception=False)
    sign_in(browser, teacher)
    monkeypatch.setattr("confidentiality.views.dashboard.panels_for", down)
    response = browser.get("/")
    assert response.status_code == 503 and response["Retry-After"] == "60"
    page = response.content.decode()
    assert "The system is not available just now" in page
    assert "tell the DSL in person now" in page
    assert "Something went wrong" not in page
    # Any other error is still the general error page.
    monkeypatch.setattr("confidentiality.views.dashboard.panels_for", lambda request: 1 / 0)
    assert browser.get("/").status_code == 500


def test_the_database_down_healthz_503(client, db, monkeypatch):
    monkeypatch.setattr(pipeline_health, "database_answers", lambda: False)
    response = client.get("/healthz", headers=MONITORING)
    assert response.status_code == 503 and response.json()["database"] == "unreachable"


def test_a_concern_posted_while_the_database_is_down_keeps_its_draft(
    db, teacher, pupil, monkeypatch, dsl
):
    browser = Client(raise_request_exception=False)
    sign_in(browser, teacher)
    typed = form_data(pupil, account="She said nobody was home all weekend.")
    assert browser.post("/safeguarding/log/draft/", typed).json()["saved"]

    monkeypatch.setattr("safeguarding.raising.raise_concern", down)
    response = browser.post("/safeguarding/log/", typed)
    assert response.status_code == 503
    assert "your draft is kept" in response.content.decode()
    assert not Concern.objects.exists()
    draft = ConcernDraft.objects.get(author=teacher)
    assert draft.payload["account"] == ["She said nobody was home all weekend."]

    monkeypatch.undo()  # the database is back: the form comes back as it was typed
    page = browser.get("/safeguarding/log/").content.decode()
    assert "She said nobody was home all weekend." in page


# --- (d) the server killed while a concern is posted --------------------------------------------


class Killed(BaseException):
    """The process stopped (SIGKILL, power): no ``except Exception`` sees it."""


def test_a_server_killed_mid_post_stores_nothing_and_the_repeat_stores_it_once(
    client, team, teacher, pupil, monkeypatch, tasks_at_once, django_capture_on_commit_callbacks
):
    sign_in(client, teacher)
    typed = form_data(pupil, account="He has a burn on his hand and will not say how.")
    real = routing.route_new_concern

    def die_after_saving(concern):
        assert Concern.objects.filter(pk=concern.pk).exists()  # stored, not yet committed
        raise Killed

    monkeypatch.setattr(routing, "route_new_concern", die_after_saving)
    with pytest.raises(Killed):
        client.post("/safeguarding/log/", typed)
    assert not Concern.objects.exists() and not Notification.objects.exists()
    assert not Alert.objects.exists()

    monkeypatch.setattr(routing, "route_new_concern", real)
    # The browser sends the same form again (the person presses Send again, or reloads).
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/safeguarding/log/", typed)
        again = client.post("/safeguarding/log/", typed)
    assert first.status_code == again.status_code == 302
    concern = Concern.objects.get()
    assert first["Location"] == again["Location"]
    assert (
        concern.idempotency_key == typed["idempotency_key"]
        or str(concern.idempotency_key) == typed["idempotency_key"]
    )
    assert Notification.objects.filter(concern=concern).count() == 2  # the DSL and the deputy
    assert Alert.objects.filter(concern=concern, kind=Alert.Kind.NEW_CONCERN).count() == 2
