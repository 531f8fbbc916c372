"""Whether alerts reach the safeguarding team: the one reading of the alert pipeline's state,
for ``/healthz`` (the load balancer, the school's monitoring) and the dashboard panel.

An alert is flowing when the database answers, the task worker takes tasks off the queue (the
oldest waiting one is young), the periodic safeguarding check runs (it escalates unacknowledged
urgent concerns and retries emails) and emails to the team are not failing for long. Each is
read as a state and an age, never a name or a count of concerns: ``/healthz`` is public.
The last good backup is reported too (by the ``backups`` app, when it is installed), but an old
backup does not stop alerts, so it never makes the answer 503.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from confidentiality.task_recovery import stale_after

log = logging.getLogger(__name__)

# The name the periodic safeguarding check records its passes under (``Heartbeat``).
PERIODIC_CHECK = "safeguarding-check"

DATABASE, TASKS, PERIODIC, EMAILS = "database", "tasks", "periodic_check", "emails"


def _minutes(name: str, default: int) -> timedelta:
    return timedelta(minutes=getattr(settings, name, default))


def task_wait_limit() -> timedelta:
    return _minutes("HEALTH_TASK_WAIT_MINUTES", 5)


def periodic_check_limit() -> timedelta:
    return _minutes("HEALTH_PERIODIC_CHECK_MINUTES", 10)


def failing_email_limit() -> timedelta:
    return _minutes("HEALTH_FAILING_EMAIL_MINUTES", 30)


def backup_limit() -> timedelta:
    return timedelta(hours=getattr(settings, "HEALTH_BACKUP_HOURS", 48))


@dataclass
class PipelineState:
    now: datetime
    database: bool
    # How long the oldest task has waited for the worker (None: nothing waits).
    oldest_task_wait: timedelta | None = None
    # When the periodic check last finished a pass (None: never).
    periodic_check_at: datetime | None = None
    # How long the oldest email that failed and waits to be tried again has been undelivered.
    oldest_failing_email: timedelta | None = None
    # When the last good backup finished: a time, None (none known) or "unknown" (no backups app).
    last_good_backup: datetime | str | None = "unknown"
    problems: list[str] = field(default_factory=list)

    @property
    def flowing(self) -> bool:
        return not self.problems

    @property
    def periodic_check_age(self) -> timedelta | None:
        return None if self.periodic_check_at is None else self.now - self.periodic_check_at

    @property
    def backup_age(self) -> timedelta | None:
        if isinstance(self.last_good_backup, datetime):
            return self.now - self.last_good_backup
        return None

    @property
    def backup_is_old(self) -> bool:
        """No backup known (with the backups app installed), or the last good one is old."""
        if self.last_good_backup == "unknown":
            return False
        return self.backup_age is None or self.backup_age > backup_limit()


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def _waiting_queries(now):
    """The oldest task ready to run, and the oldest one whose worker died while running it:
    querysets of one row each, read together by ``_tasks_and_check``."""
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready().order_by("enqueued_at", "pk")
    stale = DBTaskResult.objects.running().filter(started_at__lt=now - stale_after())
    return ready, stale.order_by("enqueued_at", "pk")


def _wait(now, enqueued_at, run_after, stale) -> timedelta | None:
    from django_tasks_db.models import get_date_max

    waits = []
    if enqueued_at is not None:
        # A task asked to wait until a time has waited only since then.
        since = enqueued_at if run_after == get_date_max() else max(enqueued_at, run_after)
        waits.append(now - since)
    # A task whose worker died while running it waits too, until the periodic check requeues it.
    if stale is not None:
        waits.append(now - stale)
    return max(max(waits), timedelta(0)) if waits else None


def oldest_task_wait(now) -> timedelta | None:
    ready, stale = _waiting_queries(now)
    oldest = ready.values_list("enqueued_at", "run_after").first()
    enqueued_at, run_after = oldest if oldest is not None else (None, None)
    return _wait(now, enqueued_at, run_after, stale.values_list("enqueued_at", flat=True).first())


def questions(now) -> dict:
    """The oldest task's wait and the periodic check's last pass, as values a page can ask for
    with its counts (``counting.count_all``): the dashboard asks them on every visit."""
    from confidentiality.counting import First
    from confidentiality.models import Heartbeat

    ready, stale = _waiting_queries(now)
    beat = Heartbeat.objects.filter(name=PERIODIC_CHECK).order_by("pk")
    return {
        "enqueued_at": First(ready, "enqueued_at"),
        "run_after": First(ready, "run_after"),
        "stale_at": First(stale, "enqueued_at"),
        "beat_at": First(beat, "last_beat_at"),
    }


def _from_answers(now, answers: dict) -> tuple[timedelta | None, datetime | None]:
    # ``counting.First`` has already made each raw value an aware time, on either database.
    enqueued_at, run_after, stale_at, beat_at = (
        answers[name] for name in ("enqueued_at", "run_after", "stale_at", "beat_at")
    )
    return _wait(now, enqueued_at, run_after, stale_at), beat_at


def _tasks_and_check(now) -> tuple[timedelta | None, datetime | None]:
    """The oldest task's wait and the periodic check's last pass, in one query: each part is
    Django's own compiled SQL, every value a parameter."""
    from confidentiality.counting import count_all

    return _from_answers(now, count_all(questions(now)))


# The apps that send alerts by email say how long their oldest failing one has been failing:
# ``fn(now) -> timedelta | None``. The core knows no app (safeguarding registers its own).
failing_email_readers: list = []


def failing_email_reader(fn):
    """Decorator: register ``fn(now)``, the age of the oldest email that was tried, failed and
    will be tried again (None when there is none)."""
    if fn not in failing_email_readers:
        failing_email_readers.append(fn)
    return fn


def oldest_failing_email(now) -> timedelta | None:
    ages = [age for read in failing_email_readers if (age := read(now)) is not None]
    return max(max(ages), timedelta(0)) if ages else None


def last_good_backup():
    """From the backups app when it is installed: a time, or None when there is none yet.
    "unknown" when there is no such app (or it cannot say)."""
    try:
        from backups.status import last_good_backup as read
    except ImportError:
        return "unknown"
    try:
        found = read()
    except Exception as error:  # a backup store that cannot be read must not stop the check
        log.warning("Could not read the last good backup: %s", type(error).__name__)
        return "unknown"
    if found is None or isinstance(found, datetime):
        return found
    # A record of the backup: its finishing time.
    for name in ("made_at", "finished_at", "completed_at", "created_at"):
        value = getattr(found, name, None)
        if isinstance(value, datetime):
            return value
    return "unknown"


def read(now=None, *, for_a_page=False, answers: dict | None = None) -> PipelineState:
    """The pipeline as it is now. Never raises: a part that cannot be read is a problem.
    ``for_a_page``: a page the database has already answered for need not ask it again, and
    leaves the last good backup unread ("unknown"): the dashboard's backups have a panel of
    their own. ``answers``: those to ``questions(now)``, when the page asked them with its own
    counts (the dashboard), so they are not asked again."""
    now = now or timezone.now()
    if not for_a_page and not database_answers():
        return PipelineState(now=now, database=False, problems=[DATABASE])
    state = PipelineState(now=now, database=True)
    try:
        state.oldest_task_wait, state.periodic_check_at = (
            _tasks_and_check(now) if answers is None else _from_answers(now, answers)
        )
        state.oldest_failing_email = oldest_failing_email(now)
    except DatabaseError as error:
        log.error("Reading the alert pipeline failed: %s", type(error).__name__)
        state.database = False
        state.problems.append(DATABASE)
        return state
    if not for_a_page:
        state.last_good_backup = last_good_backup()
    if state.oldest_task_wait is not None and state.oldest_task_wait > task_wait_limit():
        state.problems.append(TASKS)
    age = state.periodic_check_age
    if age is None or age > periodic_check_limit():
        state.problems.append(PERIODIC)
    if (
        state.oldest_failing_email is not None
        and state.oldest_failing_email > failing_email_limit()
    ):
        state.problems.append(EMAILS)
    return state


def record_periodic_check(now=None) -> None:
    """The periodic safeguarding check finished a pass."""
    from confidentiality.models import Heartbeat

    Heartbeat.beat(PERIODIC_CHECK, now)


def _seconds(delta: timedelta | None) -> int | None:
    return None if delta is None else int(delta.total_seconds())


def public_report(state: PipelineState, detailed: bool = False) -> dict:
    """What ``/healthz`` says: to anyone, only whether alerts flow; to the school's monitoring
    (``detailed``, it holds HEALTH_TOKEN) the states and ages in seconds too, which would tell
    an outsider how stale the backups are or how long an alert has been stuck. Nothing about
    anyone either way."""
    status = "ok" if state.flowing else "unavailable"
    if not detailed:
        return {"status": status}
    if not state.database:
        return {"status": status, "database": "unreachable"}
    if state.last_good_backup == "unknown":
        backup = {"state": "unknown"}
    else:
        backup = {
            "state": "old" if state.backup_is_old else "ok",
            "last_good_seconds_ago": _seconds(state.backup_age),
        }
    return {
        "status": status,
        "database": "ok",
        "tasks": {
            "state": "late" if TASKS in state.problems else "ok",
            "oldest_waiting_seconds": _seconds(state.oldest_task_wait),
        },
        "periodic_check": {
            "state": "never"
            if state.periodic_check_at is None
            else "late"
            if PERIODIC in state.problems
            else "ok",
            "last_ran_seconds_ago": _seconds(state.periodic_check_age),
        },
        "emails": {
            "state": "failing"
            if EMAILS in state.problems
            else "retrying"
            if state.oldest_failing_email is not None
            else "ok",
            "oldest_failing_seconds": _seconds(state.oldest_failing_email),
        },
        "backup": backup,
    }
