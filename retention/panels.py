"""The dashboard's retention panel, for the head teacher and the DSL (``policy``), with their
second factor confirmed as on the retention pages (without it the panel is left out): how many
records are past their period (as last worked out, and when: ``summary``), the legal holds
in force, and when records were last deleted. Counts and dates only: which records they are is
on the report, named only to whoever is entitled to the names."""

from django.urls import reverse
from django.utils import timezone

from confidentiality import access
from confidentiality.extensions import dashboard_panel

from . import summary
from .policy import may_manage_retention


def _records(count: int) -> str:
    return f"{count} record{'s' if count != 1 else ''}"


def _worked_out(moment) -> str:
    local = timezone.localtime(moment)
    day = "today" if local.date() == timezone.localdate() else f"on {local:%-d %B %Y}"
    return f"Worked out at {local:%H:%M} {day}."


@dashboard_panel(order=82)
def retention(request):
    if not may_manage_retention(request.user):
        return None
    access.require_second_factor(request.user)
    counts, last = summary.read()
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
    holds = counts["holds"]
    held = {
        "label": f"{holds} legal hold{'s' if holds != 1 else ''} in force"
        if holds
        else "No legal hold is in force",
        "url": reverse("retention:holds"),
    }
    if last is None:
        run = "No record has been deleted under the schedule yet"
    else:
        run = f"Records last deleted on {timezone.localdate(last):%-d %B %Y}"
    return {
        "title": "Retention of records",
        "body": "How long the school keeps each kind of record, and what is due. "
        + _worked_out(counts["worked_out_at"]),
        "items": [due, held, {"label": run, "url": reverse("retention:certificates")}],
    }
