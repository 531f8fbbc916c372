from django.shortcuts import render

from confidentiality.audit import record_list_look

from ..audit_words import AREA
from ..registry import in_order
from ..schedule import Schedule
from . import retention_page


@retention_page
def report(request):
    """Every kind of record with what is due for deletion or review: named to those entitled
    to the names, counted for everyone else; held records shown as held."""
    schedule = Schedule()
    kinds = [kind for kind in in_order() if kind.find is not None]
    due_of = {kind.key: schedule.due_of(kind) for kind in kinds}
    schedule.mark_still_needed([record for due in due_of.values() for record in due])
    sections = []
    for kind in kinds:
        due = due_of[kind.key]
        sections.append(
            {
                "kind": kind,
                "rule": schedule.rules[kind.key].describe(kind),
                "named": kind.shown_to(request.user),
                "due": due,
                "held": sum(1 for record in due if record.held),
                "needed": sum(1 for record in due if record.needed_by),
            }
        )
    record_list_look(request, "retention report", area=AREA)
    return render(
        request,
        "retention/report.html",
        {
            "sections": sections,
            "today": schedule.today,
            "holds": len(schedule.holds),
            "total": sum(len(section["due"]) for section in sections),
        },
    )
