"""/healthz says whether alerts reach the safeguarding team (503 when they do not), in states
and ages only; the DSL's and the head teacher's dashboards say the same in a school's words,
and nobody else's does."""

import sys
import types
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from confidentiality import pipeline_health
from confidentiality.models import Heartbeat
from confidentiality.pipeline_panel import in_words
from safeguarding.models import Notification
from tests.conftest import sign_in

from .conftest import MONITORING, MONITORING_TOKEN, at

PANEL = "Safeguarding alerts"


def healthz(client):
    """What the school's monitoring reads, with its token."""
    response = client.get("/healthz", headers=MONITORING)
    return response.status_code, response.json()


@pytest.fixture
def checked(db):
    """The periodic check has just run."""
    pipeline_health.record_periodic_check()


@pytest.fixture(autouse=True)
def no_backups_app(monkeypatch):
    """Each test says whether the backups app is there (another app, maybe not installed yet)."""
    monkeypatch.setitem(sys.modules, "backups.status", None)


def waiting_task(minutes_ago):
    from safeguarding.tasks import deliver_notification

    result = deliver_notification.enqueue(0)
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=minutes_ago)
    )


def failing_email(recipient, minutes_ago, status=Notification.Status.RETRYING):
    return Notification.objects.create(
        recipient=recipient,
        template="concern_raised",
        context={"raised_by": "Tom Bennett", "reference": "C-0042"},
        status=status,
        attempts=2,
        last_error="SMTPConnectError: (421, 'Service not available')",
        next_attempt_at=timezone.now() + timedelta(minutes=5),
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_all_is_well_200_with_states_and_ages_only(client, checked):
    status, body = healthz(client)
    assert status == 200
    assert 0 <= body["periodic_check"].pop("last_ran_seconds_ago") <= 5
    assert body == {
        "status": "ok",
        "database": "ok",
        "tasks": {"state": "ok", "oldest_waiting_seconds": None},
        "periodic_check": {"state": "ok"},
        "emails": {"state": "ok", "oldest_failing_seconds": None},
        "backup": {"state": "unknown"},
    }


def test_the_periodic_check_records_each_pass_and_a_stopped_one_is_503(client, db):
    status, body = healthz(client)
    assert status == 503 and body["periodic_check"] == {
        "state": "never",
        "last_ran_seconds_ago": None,
    }
    start = timezone.now()
    with at(start):
        call_command("escalate_concerns", verbosity=0)
    assert Heartbeat.last(pipeline_health.PERIODIC_CHECK) == start
    with at(start + timedelta(minutes=9)):
        assert healthz(client)[0] == 200
    with at(start + timedelta(minutes=11)):
        status, body = healthz(client)
    assert status == 503 and body["status"] == "unavailable"
    assert body["periodic_check"] == {"state": "late", "last_ran_seconds_ago": 660}


def test_a_task_waiting_too_long_for_the_worker_is_503(client, checked, task_queue):
    waiting_task(minutes_ago=2)
    status, body = healthz(client)
    assert status == 200 and body["tasks"]["state"] == "ok"
    assert 115 <= body["tasks"]["oldest_waiting_seconds"] <= 125
    waiting_task(minutes_ago=6)
    status, body = healthz(client)
    assert status == 503 and body["tasks"]["state"] == "late"
    assert body["tasks"]["oldest_waiting_seconds"] >= 360


def test_the_limits_are_settings(client, checked, task_queue, settings):
    waiting_task(minutes_ago=2)
    settings.HEALTH_TASK_WAIT_MINUTES = 1
    assert healthz(client)[0] == 503
    settings.HEALTH_TASK_WAIT_MINUTES = 3
    assert healthz(client)[0] == 200


def test_an_email_failing_for_over_half_an_hour_is_503(client, checked, dsl):
    failing_email(dsl, minutes_ago=10)
    status, body = healthz(client)
    assert status == 200 and body["emails"]["state"] == "retrying"
    assert 590 <= body["emails"]["oldest_failing_seconds"] <= 610
    failing_email(dsl, minutes_ago=45, status=Notification.Status.FAILED)
    status, body = healthz(client)
    assert status == 503 and body["emails"]["state"] == "failing"


def test_an_email_given_up_or_sent_or_to_nobody_is_not_failing(client, checked, dsl, teacher):
    gone = failing_email(dsl, minutes_ago=2000, status=Notification.Status.FAILED)
    gone.next_attempt_at = None  # tried for a day: the team was told, nothing more will happen
    gone.save()
    failing_email(dsl, minutes_ago=60, status=Notification.Status.SENT)
    teacher.email = ""
    teacher.save()
    failing_email(teacher, minutes_ago=60)  # a gap in the records, shown to the team
    assert healthz(client)[0] == 200


def test_the_database_down_is_503(client, db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise DatabaseError("down")

    monkeypatch.setattr(pipeline_health, "connection", Unreachable())
    status, body = healthz(client)
    assert status == 503 and body == {"status": "unavailable", "database": "unreachable"}


def test_a_load_balancer_may_ask_about_the_database_alone(client, db):
    response = client.get("/healthz?only=database")  # the periodic check never ran
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}


def test_the_last_good_backup_comes_from_the_backups_app(client, checked, monkeypatch):
    module = types.ModuleType("backups.status")
    module.last_good_backup = lambda: timezone.now() - timedelta(hours=3)
    monkeypatch.setitem(sys.modules, "backups.status", module)
    status, body = healthz(client)
    assert status == 200 and body["backup"]["state"] == "ok"
    assert 3 * 3600 - 5 <= body["backup"]["last_good_seconds_ago"] <= 3 * 3600 + 5
    module.last_good_backup = lambda: None
    status, body = healthz(client)
    # An old backup is told to the team; it does not stop alerts, so it is never a 503.
    assert status == 200 and body["backup"] == {"state": "old", "last_good_seconds_ago": None}


def test_the_public_answer_names_nobody_and_counts_nothing(
    client,
    checked,
    dsl,
    deputy,
    raise_concern,
    teacher,
    pupil,
    tasks_at_once,
    mail_server,
    django_capture_on_commit_callbacks,
):
    mail_server.down = True
    with django_capture_on_commit_callbacks(execute=True):
        concern = raise_concern(teacher, [pupil])
    Notification.objects.update(created_at=timezone.now() - timedelta(hours=2))
    response = client.get("/healthz", headers=MONITORING)
    assert response.status_code == 503 and response.json()["emails"]["state"] == "failing"
    text = response.content.decode()
    for secret in (pupil.first_name, pupil.last_name, teacher.first_name, dsl.first_name):
        assert secret not in text
    for secret in (dsl.email, deputy.email, concern.reference, "Tester", "SMTP"):
        assert secret not in text

    def values(part):
        for value in part.values():
            yield from values(value) if isinstance(value, dict) else [value]

    # States (words from a short list) and ages in seconds: never a count, never a name.
    states = {"ok", "unavailable", "late", "never", "retrying", "failing", "old", "unknown"}
    for key, value in zip(flat_keys(response.json()), values(response.json()), strict=True):
        if key.endswith("seconds") or key.endswith("seconds_ago"):
            assert value is None or isinstance(value, int)
        else:
            assert value in states, key


def flat_keys(part, prefix=""):
    for key, value in part.items():
        if isinstance(value, dict):
            yield from flat_keys(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}"


def test_every_answer_carries_a_request_id(client, checked):
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) == 32
    mine = client.get("/healthz", headers={"X-Request-ID": "lb-4f1c2a9e-0001"})
    assert mine["X-Request-ID"] == "lb-4f1c2a9e-0001"
    forged = client.get("/healthz", headers={"X-Request-ID": 'x"}\n{"level": "ERROR"'})
    assert forged["X-Request-ID"] != 'x"}\n{"level": "ERROR"' and len(forged["X-Request-ID"]) == 32


# --- the dashboard panel ---------------------------------------------------------------------


def panel_of(client):
    page = client.get("/").content.decode()
    if PANEL not in page:
        return None
    start = page.index(PANEL)
    return page[start : page.index("</section>", start)]


@pytest.mark.parametrize("who", ["dsl", "deputy", "head"])
def test_the_team_and_the_head_see_that_alerts_are_flowing(client, checked, request, who):
    sign_in(client, request.getfixturevalue(who), verified=True)
    panel = panel_of(client)
    assert panel is not None and "Alerts are flowing." in panel
    assert "technician" not in panel


@pytest.mark.parametrize("who", ["teacher", "ta", "office", "volunteer", "governor", "parent"])
def test_nobody_else_sees_the_panel(client, request, who, dsl):
    failing_email(dsl, minutes_ago=120)  # even when something is wrong
    sign_in(client, request.getfixturevalue(who), verified=True)
    response = client.get("/")
    assert response.status_code == 200 and panel_of(client) is None
    assert "technician" not in response.content.decode()


def test_failing_emails_in_a_school_s_words(client, checked, dsl, head):
    failing_email(dsl, minutes_ago=125)
    for person in (dsl, head):
        sign_in(client, person, verified=True)
        panel = panel_of(client)
        assert "Alerts may not be reaching the safeguarding team." in panel
        assert (
            "Emails to the safeguarding team have been failing for 2 hours: tell your technician."
            in panel
        )


def test_a_stopped_check_and_a_stuck_worker_in_a_school_s_words(client, db, dsl, task_queue):
    Heartbeat.beat(pipeline_health.PERIODIC_CHECK, timezone.now() - timedelta(hours=3))
    waiting_task(minutes_ago=12)
    sign_in(client, dsl, verified=True)
    panel = panel_of(client)
    assert "The regular safeguarding check has not run for 3 hours" in panel
    assert "Alerts are waiting to be sent: the oldest has waited 12 minutes." in panel
    assert panel.count("tell your technician") == 2
    page = client.get("/").content.decode()
    # What is wrong comes first on the page.
    assert page.index(PANEL) < page.index("Your account")


def test_how_long_in_words():
    assert in_words(timedelta(seconds=30)) == "less than a minute"
    assert in_words(timedelta(minutes=1)) == "1 minute"
    assert in_words(timedelta(minutes=45)) == "45 minutes"
    assert in_words(timedelta(minutes=61)) == "1 hour"
    assert in_words(timedelta(hours=47)) == "47 hours"
    assert in_words(timedelta(days=3, hours=2)) == "3 days"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-the-token"},
        {"Authorization": f"Basic {MONITORING_TOKEN}"},
        {"Authorization": f"Bearer {MONITORING_TOKEN}x"},
    ],
)
def test_without_the_monitoring_token_healthz_says_only_whether_alerts_flow(
    client, checked, headers
):
    response = client.get("/healthz", headers=headers)
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert healthz(client)[1]["tasks"]["state"] == "ok"  # the monitoring sees the details


def test_with_no_token_set_nobody_sees_the_details(client, checked, settings):
    settings.HEALTH_TOKEN = ""
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer"}):
        assert client.get("/healthz", headers=headers).json() == {"status": "ok"}


def test_a_stuck_pipeline_is_503_to_anyone_without_saying_why(client, db):
    # The periodic check never ran.
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json() == {"status": "unavailable"}
