"""The logs name no one: a day in the demo school (people signing in, a wrong password, pages
opened, a concern logged, a missing page, a refused form, the mail server down, the periodic
check) logged at DEBUG through the real formatter, then every line read for every child's and
adult's name, every email address and the words of every concern. Each line is one JSON object
with the request's id and the person's id, never who they are."""

import io
import json
import logging
import re
import uuid

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client
from django.utils.module_loading import import_string

from confidentiality import request_id
from confidentiality.logs import JsonFormatter, safe_message
from tests.conftest import DEMO_PASSWORD, sign_in
from tests.safeguarding.conftest import form_data

from .conftest import SwitchableMailServer

NEW_WORDS = "Kept asking whether the trampoline club would still run"


@pytest.fixture
def captured():
    """Every logger at DEBUG, written through the formatter LOGGING names for production."""
    assert settings.LOGGING["handlers"]["console"]["formatter"] == settings.LOG_FORMAT
    formatter = import_string(settings.LOGGING["formatters"]["json"]["()"])()
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    handler.setLevel(logging.DEBUG)
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]
    levels = {logger: logger.level for logger in loggers}
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        if logger is logging.getLogger() or not logger.propagate:
            logger.addHandler(handler)
    yield out
    for logger, level in levels.items():
        logger.setLevel(level)
        logger.removeHandler(handler)


def secrets_of_the_demo_school() -> dict[str, str]:
    """What must never reach a log line, each with what it is (for the failure message)."""
    from confidentiality.models import User
    from records.demo import CARER_FIRST
    from records.models import Student
    from safeguarding.models import Concern

    found = {}
    for student in Student.objects.all():
        found[student.first_name] = f"a child's first name ({student.pk})"
        found[student.last_name] = f"a child's last name ({student.pk})"
    for person in User.objects.all():
        for value in (person.first_name, person.last_name):
            if value:
                found[value] = f"an adult's name (user {person.pk})"
        if person.email:
            found[person.email] = f"an email address (user {person.pk})"
    for name in CARER_FIRST:
        found[name] = "a carer's first name"
    for concern in Concern.objects.all():
        for field in ("account", "actions_taken", "private_follow_up", "location"):
            words = " ".join(str(getattr(concern, field, "") or "").split())
            if len(words) >= 12:
                found[words[:40]] = f"the words of concern {concern.reference} ({field})"
    found[NEW_WORDS] = "the words of the concern logged in this test"
    return {secret: what for secret, what in found.items() if len(secret) >= 3}


def leaks(text: str, secrets: dict[str, str]) -> list[str]:
    found = []
    for secret, what in secrets.items():
        pattern = r"(?<![\w@.])" + re.escape(secret) + r"(?![\w])"
        match = re.search(pattern, text)
        if match:
            line = text[text.rfind("\n", 0, match.start()) + 1 : text.find("\n", match.end())]
            found.append(f"{what}: {secret!r} in {line[:300]}")
    return found


def a_day_at_school(demo_school, settings, capture):
    from confidentiality.models import User
    from records.models import Student
    from safeguarding.models import Concern

    settings.MAILERS = {
        "default": {"BACKEND": f"{SwitchableMailServer.__module__}.SwitchableMailServer"}
    }
    people = {u.username: u for u in User.objects.all()}
    child = Student.objects.order_by("last_name").first()

    # Signing in for real, and failing to: a wrong password, an address typed as the username.
    browser = Client(raise_request_exception=False)
    browser.post("/accounts/login/", {"username": "teacher", "password": DEMO_PASSWORD})
    browser.get("/")
    Client().post("/accounts/login/", {"username": "dsl", "password": "not the password"})
    Client().post(
        "/accounts/login/", {"username": people["head"].email, "password": "not the password"}
    )

    # The teacher logs a concern about a child, with the mail server down.
    SwitchableMailServer.down = True
    browser.get(f"/safeguarding/log/?child={child.pk}")
    browser.get("/safeguarding/log/children/", {"q": child.first_name})
    typed = form_data(child, account=f"{NEW_WORDS}, and cried when told it would.")
    browser.post("/safeguarding/log/draft/", typed)
    with capture(execute=True):  # the emails are queued once the concern is stored
        assert browser.post("/safeguarding/log/", typed).status_code == 302
    assert Concern.objects.filter(idempotency_key=typed["idempotency_key"]).exists()
    # A refused form (400) and a page that is not there (404).
    browser.post(
        "/safeguarding/log/", {**typed, "idempotency_key": str(uuid.uuid4()), "category": ""}
    )
    browser.get(f"/records/students/{uuid.uuid4()}/")
    browser.get("/no-such-page/")
    browser.get(f"/records/students/{child.pk}/")

    # The team and the head at work.
    for username in ("dsl", "deputy", "head"):
        reader = sign_in(Client(raise_request_exception=False), people[username], verified=True)
        for path in ("/", "/safeguarding/", "/safeguarding/alerts/", "/audit/"):
            reader.get(path)
        for concern in Concern.objects.order_by("created_at")[:4]:
            reader.get(f"/safeguarding/concerns/{concern.pk}/")
        reader.get(f"/records/students/{child.pk}/")
    for username in ("office", "parent", "nurse"):
        sign_in(Client(raise_request_exception=False), people[username], verified=True).get("/")

    # The worker tries the emails; the periodic check retries them; the mail server returns.
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=2)
    with capture(execute=True):
        call_command("escalate_concerns", verbosity=2)
    SwitchableMailServer.down = False
    from django.utils import timezone

    from safeguarding.models import Notification

    waiting = Notification.objects.exclude(status=Notification.Status.SENT)
    assert waiting.exists()
    waiting.update(next_attempt_at=timezone.now())  # their wait is over
    with capture(execute=True):
        call_command("escalate_concerns", verbosity=2)
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=2)
    assert Notification.objects.filter(status=Notification.Status.SENT).exists()

    # The database stops answering in the middle of a page.
    from unittest import mock

    with mock.patch(
        "confidentiality.views.dashboard.panels_for", side_effect=OperationalError("gone away")
    ):
        browser.get("/")
    return child


def test_a_day_at_school_names_no_one_in_one_json_object_a_line(
    demo_school, settings, captured, task_queue, django_capture_on_commit_callbacks
):
    child = a_day_at_school(demo_school, settings, django_capture_on_commit_callbacks)
    text = captured.getvalue()
    secrets = secrets_of_the_demo_school()
    # The scan finds a name when there is one (so a quiet scan means something).
    assert leaks(f'{{"message": "Opened {child.first_name} {child.last_name}"}}', secrets)
    problems = leaks(text, secrets)
    assert not problems, "the logs name someone:\n" + "\n".join(problems)

    entries = [json.loads(line) for line in text.splitlines()]
    assert len(entries) > 40, "the day should have logged something"
    keys = {"time", "level", "logger", "message", "request_id", "user_id", "path"}
    assert all(keys <= set(entry) for entry in entries)
    during_requests = [e for e in entries if e["request_id"]]
    assert during_requests and all(e["path"].startswith("/") for e in during_requests)
    assert not any("?" in e["path"] for e in during_requests)  # never a query string
    assert any(isinstance(e["user_id"], int) for e in during_requests)
    answers = [e for e in entries if e["logger"] == "django.request"]
    for kind in ("Not Found", "Bad Request", "Service Unavailable"):
        seen = [e for e in answers if e["message"].startswith(kind)]
        assert seen and all(e["request_id"] for e in seen), kind
    down = [e for e in answers if e.get("exception")]
    assert any(e["exception"]["type"] == "django.db.utils.OperationalError" for e in down)
    emails = [e for e in entries if e["message"].startswith("Safeguarding email")]
    assert emails and all(e["message"].endswith("failed: SMTPConnectError") for e in emails)


# --- the formatter on its own ------------------------------------------------------------------


def record(msg, args=(), exc_info=None):
    return logging.LogRecord("test", logging.INFO, __file__, 1, msg, args, exc_info)


def test_a_model_in_a_log_call_is_written_as_its_type(db, pupil, teacher):
    assert (
        safe_message(record("Opened %s for %s", (pupil, teacher))) == "Opened <Student> for <User>"
    )
    assert safe_message(record("Email %s failed: %s", (42, "SMTPConnectError"))) == (
        "Email 42 failed: SMTPConnectError"
    )
    assert safe_message(record("%(who)s", ({"who": teacher},))) == "<User>"
    assert safe_message(record(pupil)) == "<Student>"
    assert safe_message(record("%s and %s", (1,))) == "%s and %s [arguments not shown]"


def test_an_exception_is_its_type_and_where_never_its_words(db):
    try:
        raise ValueError("Maya Quinn has no email address")
    except ValueError:
        import sys

        line = JsonFormatter().format(record("Failed", exc_info=sys.exc_info()))
    entry = json.loads(line)
    assert "Maya" not in line and entry["exception"]["type"] == "builtins.ValueError"
    assert entry["exception"]["where"][-1].endswith(
        "in test_an_exception_is_its_type_and_where_never_its_words"
    )


def test_a_request_id_from_the_proxy_is_kept_only_if_sane(client, db):
    assert client.get("/healthz", headers={"X-Request-ID": "abc"})["X-Request-ID"] != "abc"
    long_id = "a" * 65
    assert client.get("/healthz", headers={"X-Request-ID": long_id})["X-Request-ID"] != long_id
    assert request_id.sane("9f1c2a9e-1111-4444-8888-0123456789ab")
    assert not request_id.sane("name=Maya Quinn")
