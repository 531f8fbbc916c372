""" "Who has seen this": the audit trail for the DSL, deputies and the head teacher, and its
export as a spreadsheet.

A concern's or a child's page links here with that record (``object``: the record and every
record that belongs to it; ``subject``: every entry about that person). Whatever the filter, the
reader sees only what they may know of (``audit.reading.readable_entries``). Entries are shown
in words (``audit.words``): who, what they did, the fields a change touched, never a value.
"""

from auditlog.models import LogEntry
from django.apps import apps
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from confidentiality import access
from confidentiality.audit import record_access, words
from confidentiality.audit.reading import EXPORT, readable_entries, resolve
from confidentiality.audit.reading import without as without  # noqa: PLC0414 - apps' filters
from confidentiality.forms.audit_trail import TrailFilter
from confidentiality.spreadsheets import csv_download

# Apps hide entries from some readers through ``extensions.audit_trail_filter``: safeguarding
# hides a concern about an adult from everyone it was not routed to, above all the adult named.
# A filter hides with ``without`` (``audit.reading``), never ``entries.exclude(...)`` on a JSON
# key (see there).

PAGE_SIZE = 50
# The first characters that make a spreadsheet read a cell as a formula (or a command).
CSV_COLUMNS = [
    "When",
    "Who",
    "Did",
    "What",
    "Kind of record",
    "From (address)",
    "Reason",
    "Fields changed",
]


def _emergency_reasons(entries) -> dict:
    """The reasons of the emergency accesses among ``entries``: kept encrypted with each grant (a
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


def _names_behind_references(entries, about=None) -> dict:
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
        found = {}
        # The page about one person names them by reference: their own key first, and when it
        # is the only one wanted, no need to work out anyone else's.
        if about is not None and about[0] is model:
            key = subject_key(model(pk=about[1]), blind=True)
            if key in wanted:
                found[about[1]] = key
        mine = {key for key in wanted if key.startswith(f"{label}:#")}
        if set(found.values()) != mine:
            # One HMAC per row of that model, on the keys alone; then one query for the names.
            rows = model._default_manager.values_list("pk", flat=True).iterator(chunk_size=5000)
            for pk in rows:
                key = subject_key(model(pk=pk), blind=True)
                if key in wanted:
                    found[pk] = key
        for obj in model._default_manager.filter(pk__in=found):
            names[found[obj.pk]] = f"{obj} (named by reference)"
    return names


def _rows(entries, reader, about=None) -> list[dict]:
    """The entries as the trail and the export show them; ``about``: (model, pk) of the record
    the page is about, if any."""
    entries = list(entries)
    names = _names_behind_references(entries, about)
    named = words.entry_names(entries, reader)  # a neutral label named for this reader
    reasons = _emergency_reasons(entries)
    rows = []
    for entry in entries:
        data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
        list_look = words.is_list_look(entry)
        rows.append(
            {
                "entry": entry,
                "who": words.who(entry),
                "how": data.get("how", ""),
                "did": words.did(entry),
                "object_name": ""
                if list_look
                else named.get(entry.pk) or _object_name(entry, data, names),
                "kind": "" if list_look else _kind(entry),
                "reason": data.get("reason", "") or reasons.get(data.get("grant"), ""),
                "changed": words.changed_fields(entry),
            }
        )
    return rows


def _object_name(entry, data: dict, names: dict) -> str:
    """The record, by its label; one named by reference by its name again, for this reader."""
    if entry.object_repr.endswith("(named by reference)"):
        return names.get(data.get("subject")) or entry.object_repr
    return entry.object_repr


def _kind(entry) -> str:
    name = str(entry.content_type.name)
    return name[:1].upper() + name[1:]


def _filtered(request):
    """The form, the entries it selects and those the reader may see at all."""
    readable = readable_entries(request.user)
    form = TrailFilter(request.GET or None, readable=readable)
    if form.is_valid():
        return form, form.apply(readable), readable
    if form.is_bound:  # a filter that cannot be applied shows its error, not everything
        return form, readable.none(), readable
    return form, readable, readable


def _about(form, readable, shown: bool = False) -> dict:
    """The record the page is about, for its heading: named only when the reader sees at least
    one entry about it (whatever the other filters, whatever kind of record). Otherwise "this
    record": an address with any record's id (a performance file, a governors' meeting, a
    concern) must not tell a reader who sees nothing of it what it is called."""
    key = form.record_key() if form.is_valid() else ""
    found = resolve(key) if key else None
    # The entries shown were selected by the record's own filter: each is about it, and read.
    if found is None or not (shown or form.about_the_record(readable)):
        return {"key": key, "name": ""}
    model, pk = found
    obj = model._default_manager.filter(pk=pk).first()
    return {"key": key, "name": str(obj) if obj is not None else ""}


def _record_of(form):
    """(model, pk) of the record or person the filter is about, or None."""
    return resolve(form.record_key()) if form.is_valid() and form.record_key() else None


# The DSL, the deputies and the head teacher, with their second factor; 404 for anyone else.
@access.requires(access.may_read_audit_trail)
def trail(request):
    form, entries, readable = _filtered(request)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/trail.html",
        {
            "form": form,
            "page": page,
            "rows": _rows(page, request.user, _record_of(form)),
            "query": query.urlencode(),
            "about": _about(form, readable, shown=bool(page.object_list)),
            "back": form.cleaned_data.get("back", "") if form.is_valid() else "",
        },
    )


@access.requires(access.may_read_audit_trail)
def export(request):
    """The filtered trail as a spreadsheet (UTF-8 with a byte-order mark, so spreadsheets read
    the names right), every cell safe from formula injection, never cached. The export is
    itself audited: one entry saying how many entries were exported and with which filters,
    shown only to the exporter and the safeguarding team (``reading.EXPORT``). A filter that
    cannot be applied exports nothing; no filter at all exports everything this reader sees."""
    form, entries, _readable = _filtered(request)  # no filter at all: everything readable
    count = entries.count()

    def lines():
        for start in range(0, count, 2000):
            for row in _rows(entries[start : start + 2000], request.user):
                entry = row["entry"]
                yield (
                    f"{timezone.localtime(entry.timestamp):%Y-%m-%d %H:%M:%S}",
                    row["who"],
                    row["did"],
                    row["object_name"],
                    row["kind"],
                    entry.remote_addr or "",
                    row["reason"],
                    ", ".join(row["changed"]),
                )

    response = csv_download(
        CSV_COLUMNS, lines(), f"audit-trail-{timezone.localdate():%Y-%m-%d}.csv"
    )
    _record_export(request, form, count)
    return response


def _record_export(request, form, count: int) -> LogEntry:
    """The export's own entry, about the exporter (see ``reading.EXPORT`` for who reads it)."""
    if not form.is_bound:
        filters = "everything"
    elif form.is_valid():
        filters = form.describe()
    else:
        filters = "a filter that could not be applied"
    if form.is_valid() and form.record_key():
        filters = "one record" if filters == "everything" else f"one record; {filters}"
    reason = f"exported {count} audit entr{'y' if count == 1 else 'ies'} ({filters})"
    return record_access(request, request.user, how=EXPORT, reason=reason)
