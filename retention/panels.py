"""The dashboard's retention panel, for the head teacher and the DSL (``policy``), with their
second factor confirmed as on the retention pages (without it the panel is left out): how many
records are past their period now, the legal holds in force, and when records were last
deleted. Counts and dates only: which records they are is on the report, named only to whoever
is entitled to the names."""

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from confidentiality import access
from confidentiality.extensions import dashboard_panel

from .models import DeletionCertificate
from .policy import may_manage_retention
from .schedule import Schedule


def _records(count: int) -> str:
    return f"{count} record{'s' if count != 1 else ''}"


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


@dashboard_panel(order=82)
def retention(request):
    if not may_manage_retention(request.user):
        return None
    access.require_second_factor(request.user)
    schedule = Schedule()
    counts = due_counts(schedule)
    report = reverse("retention:report")
    if counts["total"]:
        parts = [
            f"{counts['delete']} to delete at the next run",
            f"{counts['review']} to review",
        ]
        if counts["held"]:
            parts.append(f"{counts['held']} kept")
        if counts["needed"]:
            parts.append(f"{counts['needed']} still needed by another record")
        due = {
            "label": f"{_records(counts['total'])} past the retention period: " + ", ".join(parts),
            "url": report,
        }
    else:
        due = {"label": "No record is due for deletion or review", "url": report}
    holds = len(schedule.holds)
    held = {
        "label": f"{holds} legal hold{'s' if holds != 1 else ''} in force"
        if holds
        else "No legal hold is in force",
        "url": reverse("retention:holds"),
    }
    last = DeletionCertificate.objects.aggregate(last=Max("deleted_at"))["last"]
    if last is None:
        run = "No record has been deleted under the schedule yet"
    else:
        run = f"Records last deleted on {timezone.localdate(last):%-d %B %Y}"
    return {
        "title": "Retention of records",
        "body": "How long the school keeps each kind of record, and what is due now.",
        "items": [due, held, {"label": run, "url": reverse("retention:certificates")}],
    }
