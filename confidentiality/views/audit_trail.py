""" "Who has seen this": the audit trail for the DSL, deputies and the head teacher."""

from auditlog.models import LogEntry
from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from confidentiality import access, extensions
from confidentiality.forms.audit_trail import TrailFilter

# Apps hide entries from some readers through ``extensions.audit_trail_filter``: safeguarding
# hides a concern about an adult from everyone it was not routed to, above all the adult named.
# A filter hides with ``without`` below, never ``entries.exclude(...)`` on a JSON key (see there).


def without(entries, condition: Q):
    """``entries`` minus those matching ``condition``, NULL-safe. ``exclude`` on a JSON key
    lookup (``additional_data__path__startswith``) also drops every entry without that key,
    because NOT NULL is not true: that hid every change and import entry from the head teacher.
    Matching first, then excluding by id, drops exactly the matches."""
    return entries.exclude(pk__in=LogEntry.objects.filter(condition).values("pk"))


ACTIONS = {
    LogEntry.Action.CREATE: "created",
    LogEntry.Action.UPDATE: "changed",
    LogEntry.Action.DELETE: "deleted",
    LogEntry.Action.ACCESS: "viewed",
}


def _emergency_reasons(entries) -> dict:
    """The reasons of the emergency accesses on this page: kept encrypted with each grant (a
    reason often says what happened to the child), opened here for the trail's readers."""
    from confidentiality.models import BreakGlassReason

    grants = {
        grant
        for entry in entries
        if isinstance(grant := (entry.additional_data or {}).get("grant"), int)
    }
    if not grants:
        return {}
    return {
        reason.grant_id: reason.text
        for reason in BreakGlassReason.objects.filter(grant_id__in=grants)
    }


def _names_behind_references(entries) -> dict:
    """Entries about a child's safeguarding name the child by a keyed reference (a copy of the
    database cannot read it); a reader entitled to the entry sees the name again, worked out
    with the key for this page only and never stored."""
    from confidentiality.audit import subject_key

    wanted = {
        key
        for entry in entries
        if entry.object_repr.endswith("(named by reference)")
        and isinstance(key := (entry.additional_data or {}).get("subject"), str)
        and ":#" in key
    }
    if not wanted:
        return {}
    names = {}
    for label in {key.partition(":#")[0] for key in wanted}:
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        # One HMAC per row of that model, on the keys alone; then one query for the names.
        found = {}
        for pk in model._default_manager.values_list("pk", flat=True).iterator(chunk_size=5000):
            key = subject_key(model(pk=pk), blind=True)
            if key in wanted:
                found[pk] = key
        for obj in model._default_manager.filter(pk__in=found):
            names[found[obj.pk]] = f"{obj} (named by reference)"
    return names


# The DSL, the deputies and the head teacher, with their second factor; 404 for anyone else.
@access.requires(access.may_read_audit_trail)
def trail(request):
    form = TrailFilter(request.GET or None)
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")
    for hide in extensions.audit_trail_filters:
        entries = hide(entries, request.user)
    if form.is_valid():
        entries = form.apply(entries)
    elif form.is_bound:  # a filter that cannot be applied shows its error, not everything
        entries = entries.none()
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    names = _names_behind_references(page)
    reasons = _emergency_reasons(page)
    rows = [
        {
            "entry": entry,
            "object_name": (
                names.get((entry.additional_data or {}).get("subject"))
                if entry.object_repr.endswith("(named by reference)")
                else None
            )
            or entry.object_repr,
            "did": (entry.additional_data or {}).get("how", ACTIONS.get(entry.action, "?"))
            if entry.action == LogEntry.Action.ACCESS
            else ACTIONS.get(entry.action, "?"),
            "reason": (entry.additional_data or {}).get("reason", "")
            or reasons.get((entry.additional_data or {}).get("grant"), ""),
            "changed": sorted((entry.changes or {}).keys())
            if isinstance(entry.changes, dict)
            else [],
        }
        for entry in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/trail.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )
