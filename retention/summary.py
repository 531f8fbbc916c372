"""The retention schedule in numbers, worked out once and kept: the dashboard shows it on every
visit, and working it out reads every record the school keeps (seconds on a large school).

The numbers are kept in the cache with the time they were worked out, under a key that names
the day and the school's decisions (rules, holds, reviews, deletions, read in one query): a
hold placed, a rule changed, a review decided or a run made is seen at once. Records reaching
the end of their period in the day are not: the panel says when the numbers were worked out.
The periodic check works them out again once they are 45 minutes old (``keep_fresh``), so a
visitor finds them kept: on the largest school they take 14 seconds to work out."""

import hashlib
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from confidentiality import extensions

from .models import DeletionCertificate, LegalHold, RetentionReview, RetentionRule
from .schedule import Schedule

KEPT_FOR = timedelta(hours=2)
# The periodic check (every minute) works the numbers out again when they are this old.
FRESH_FOR = timedelta(minutes=45)


def due_counts(schedule) -> dict:
    """What the report lists, in numbers: every record past its period, those the next run
    deletes, those waiting for a review, those kept by a hold or a wait, and those another
    record still needs (the run would not delete them)."""
    due = schedule.due()
    schedule.mark_still_needed(due)
    return {
        "total": len(due),
        "delete": sum(1 for record in due if record.will_be_deleted and not record.needed_by),
        "review": sum(1 for record in due if not record.held and not record.will_be_deleted),
        "held": sum(1 for record in due if record.held),
        "needed": sum(1 for record in due if record.needed_by),
    }


def _moment(value) -> datetime | None:
    """A time as a raw cursor gives it (SQLite: text in UTC; PostgreSQL: a time)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _decisions() -> tuple[str, datetime | None]:
    """A fingerprint of the school's decisions, and when records were last deleted: one query.
    Table and column names are the models' own, never a value from outside."""
    parts = []
    for model, changed in (
        (RetentionRule, "changed_at"),
        (LegalHold, "updated_at"),
        (RetentionReview, "updated_at"),
        (DeletionCertificate, "deleted_at"),
    ):
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(model._meta.get_field(changed).column)
        parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608
        parts.append(f"(SELECT MAX({column}) FROM {table})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return "|".join(str(value) for value in row), _moment(row[-1])


def _key(fingerprint: str, today) -> str:
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()
    return f"retention-summary:{today.isoformat()}:{digest}"


def work_out(fingerprint: str | None = None, schedule: Schedule | None = None) -> dict:
    """Work the numbers out now and keep them."""
    if fingerprint is None:
        fingerprint, _ = _decisions()
    schedule = schedule or Schedule()
    summary = {
        **due_counts(schedule),
        "holds": len(schedule.holds),
        "worked_out_at": timezone.now(),
    }
    cache.set(_key(fingerprint, schedule.today), summary, timeout=KEPT_FOR.total_seconds())
    return summary


def read() -> tuple[dict, datetime | None]:
    """The numbers, kept or worked out now, and when records were last deleted."""
    fingerprint, last_deleted = _decisions()
    summary = cache.get(_key(fingerprint, timezone.localdate()))
    if summary is None:
        summary = work_out(fingerprint)
    return summary, last_deleted


@extensions.periodic_step
def keep_fresh() -> bool:
    """Work the numbers out again when they are missing or FRESH_FOR old (a decision made, a
    new day, or simply time): True when it did. Run by the periodic check, so the DSL's and the
    head teacher's dashboards read kept numbers."""
    fingerprint, _ = _decisions()
    kept = cache.get(_key(fingerprint, timezone.localdate()))
    if kept is not None and timezone.now() - kept["worked_out_at"] < FRESH_FOR:
        return False
    work_out(fingerprint)
    return True
