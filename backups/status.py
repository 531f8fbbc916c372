"""How the school's backups stand, for the dashboard and the health check."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Subquery
from django.utils import timezone

from .models import Backup

# Backups run daily: two days without a good one means at least one was missed.
STALE_AFTER = timedelta(days=2)


def last_good_backup() -> Backup | None:
    """The newest backup that was written and verified (None if there has never been one)."""
    return Backup.objects.filter(verified=True).order_by("-made_at", "-id").first()


def last_attempt() -> Backup | None:
    return Backup.objects.order_by("-made_at", "-id").first()


@dataclass
class Attempt:
    """What the dashboard needs of the last attempt: when, and whether it was verified."""

    made_at: datetime
    verified: bool


@dataclass
class Standing:
    """The last attempt and when the last good backup was made, read together."""

    attempt: Backup | Attempt | None
    good_made_at: datetime | None


def read() -> Standing:
    """The last attempt and the time of the last good backup, in one query: the last good one
    is either the last attempt or made before it, so it rides along on the attempt's row."""
    good = Backup.objects.filter(verified=True).order_by("-made_at", "-id").values("made_at")[:1]
    attempt = (
        Backup.objects.order_by("-made_at", "-id").annotate(good_made_at=Subquery(good)).first()
    )
    return Standing(attempt, attempt.good_made_at if attempt is not None else None)


def questions() -> dict:
    """The last attempt (when, verified) and the time of the last good backup, as values a page
    asks with its own counts (``counting.count_all``): the dashboard asks them on every visit."""
    from confidentiality.counting import First

    newest = Backup.objects.order_by("-made_at", "-id")
    return {
        "attempt made at": First(newest, "made_at"),
        "attempt verified": First(newest, "verified"),
        "good made at": First(newest.filter(verified=True), "made_at"),
    }


def from_answers(answers: dict) -> Standing:
    made_at = answers["attempt made at"]
    attempt = None if made_at is None else Attempt(made_at, bool(answers["attempt verified"]))
    return Standing(attempt, answers["good made at"])


def warning(now=None, standing: Standing | None = None) -> str:
    """What is wrong with the backups, in a sentence for the head teacher; "" when all is well."""
    now = now or timezone.now()
    standing = standing or read()
    attempt, good_made_at = standing.attempt, standing.good_made_at
    if attempt is None:
        return "No backup has been made yet. Ask the IT technician to set up the daily backup."
    if not attempt.verified:
        return (
            f"The last backup, on {timezone.localtime(attempt.made_at):%d %B %Y at %H:%M}, "
            "failed. Ask the IT technician to look at it today."
        )
    if good_made_at is not None and now - good_made_at > STALE_AFTER:
        return (
            "No good backup for more than two days. Ask the IT technician to check that the "
            "daily backup is running."
        )
    return ""
