"""Every concern the team may open, searchable, and its export as a spreadsheet (P3, P5).

The safeguarding team only, with a verified second factor. The list is what the door lets this
reader open: every concern about a child, and the concerns about adults routed to them, never
one that names them (``concerns_for``). Each look at the list is one access entry, with the
filters in words; an export is its own entry, saying how many concerns left the system.

Pages are cut by a keyset, not by a page number: "the next page" is "the rows after this one in
this order" (``(sort key, created_at, pk)``), so a concern logged while someone reads the list
neither pushes a row onto the next page twice nor hides one. The rows cost the same few queries
whatever their number: the people are joined, the children named are opened in one query for
the page (``with_children``), the adults named likewise (``with_people_named``).
"""

from datetime import datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from confidentiality import access
from confidentiality.audit import record_list_look
from confidentiality.spreadsheets import csv_download

from ..forms.concern_list import ConcernListFilter, Sort
from ..models import Concern
from ..models.concerns import by_status, urgent_first
from ..policy import ADULT_CASEWORK, CASEWORK, is_safeguarding_team
from ..trail import AREA

PAGE_SIZE = 50
# The list says how many concerns match up to this many, then "more than": counting every row
# of ten years of a large school's concerns on each look would cost more than the page itself.
COUNTED_UP_TO = 1000
CURSOR_SALT = "safeguarding.concern_list.cursor"


def concerns_for(request):
    """The concerns this reader may open: about children (the team's casework permission) and
    about adults (only those routed to them, never one naming them)."""
    about_children = access.visible(request, Concern.objects.about_children(), CASEWORK)
    about_adults = access.visible(
        request, Concern.objects.about_adults().not_about(request.user), ADULT_CASEWORK
    )
    return about_children | about_adults


# --- order and keyset ----------------------------------------------------------------------------


def ordered(concerns, sort: str):
    """The concerns in the order chosen, and that order as ``[(field, descending), ...]``: a
    sort key first (if any), then ``created_at`` and ``pk``, which together never tie."""
    if sort == Sort.OLDEST:
        keys = [("created_at", False), ("pk", False)]
    elif sort == Sort.URGENCY:
        concerns = concerns.annotate(sort_key=urgent_first())
        keys = [("sort_key", False), ("created_at", True), ("pk", True)]
    elif sort == Sort.STATUS:
        concerns = concerns.annotate(sort_key=by_status())
        keys = [("sort_key", False), ("created_at", True), ("pk", True)]
    else:
        keys = [("created_at", True), ("pk", True)]
    return concerns.order_by(*(f"-{f}" if desc else f for f, desc in keys)), keys


def _beyond(keys, values, *, backwards: bool) -> Q:
    """The filter "after these values in this order" (or before them, ``backwards``): the
    first key further on, or equal on it and the second further on, and so on."""
    condition = Q()
    for i, (field, descending) in enumerate(keys):
        smaller_is_further = descending != backwards
        step = Q(**{f"{field}__{'lt' if smaller_is_further else 'gt'}": values[i]})
        for (earlier, _), value in zip(keys[:i], values[:i], strict=True):
            step &= Q(**{earlier: value})
        condition |= step
    return condition


def _order_name(keys) -> str:
    return ",".join(f"-{field}" if descending else field for field, descending in keys)


def _cursor(row, keys) -> str:
    """A signed token for "this row, in this order": it cannot be altered to look elsewhere,
    nor carried over to another order."""
    values = []
    for field, _ in keys:
        value = getattr(row, field)
        values.append(value.isoformat() if field == "created_at" else str(value))
    return signing.dumps(
        {"order": _order_name(keys), "at": values}, salt=CURSOR_SALT, compress=True
    )


def _read_cursor(token: str, keys):
    """The values a cursor stands for, or None (absent, altered or from another order)."""
    if not token:
        return None
    try:
        cursor = signing.loads(token, salt=CURSOR_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(cursor, dict) or cursor.get("order") != _order_name(keys):
        return None
    values = cursor.get("at")
    if not isinstance(values, list) or len(values) != len(keys):
        return None
    try:
        return [_parse(field, value) for (field, _), value in zip(keys, values, strict=True)]
    except (TypeError, ValueError, ValidationError):
        return None


def _parse(field, value):
    if field == "created_at":
        return datetime.fromisoformat(value)
    if field == "sort_key":
        return int(value)
    return Concern._meta.pk.to_python(value)


class Page:
    """One page of rows cut by a keyset, with the cursors of the pages before and after it."""

    def __init__(self, concerns, keys, *, after="", before="", size=PAGE_SIZE):
        self.size = size
        backwards = bool(before) and not after
        values = _read_cursor(before if backwards else after, keys)
        if values is None:
            backwards = False
        query = concerns
        if values is not None:
            query = query.filter(_beyond(keys, values, backwards=backwards))
        if backwards:
            query = query.reverse()
        rows = list(query[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if backwards:
            rows.reverse()
        self.rows = rows
        self.is_first = values is None or (backwards and not more)
        self.has_next = more if not backwards else True
        self.has_previous = not self.is_first
        self.next_cursor = _cursor(rows[-1], keys) if rows and self.has_next else ""
        self.previous_cursor = _cursor(rows[0], keys) if rows and self.has_previous else ""


# --- the page ------------------------------------------------------------------------------------


def _filtered(request):
    concerns = concerns_for(request)
    form = ConcernListFilter(request.GET or None, concerns=concerns, reader=request.user)
    chosen = form.apply(concerns)
    return form, chosen


@access.requires(is_safeguarding_team)
def concern_list(request):
    """The list, a page at a time; ``?format=csv`` the whole filtered list as a spreadsheet."""
    form, concerns = _filtered(request)
    if request.GET.get("format") == "csv":
        return _export(request, form, concerns)
    record_list_look(request, "concern list", form.describe(for_the_log=True), area=AREA)
    page, total, more = None, 0, False
    if not form.errors:
        total, more = how_many(concerns)
        rows, keys = ordered(_for_rows(concerns), form.order)
        page = Page(
            rows,
            keys,
            after=request.GET.get("after", ""),
            before=request.GET.get("before", ""),
            size=PAGE_SIZE,
        )
    return render(
        request,
        "safeguarding/concern_list.html",
        {
            "form": form,
            "page": page,
            "total": total,
            "more_than_counted": more,
            "filters": form.describe(),
            "query": _query_without(request, "after", "before", "format"),
        },
    )


def how_many(concerns) -> tuple[int, bool]:
    """How many concerns match, counted no further than ``COUNTED_UP_TO`` (the count stops
    there in the database), and whether there are more."""
    counted = concerns.order_by()[: COUNTED_UP_TO + 1].count()
    return min(counted, COUNTED_UP_TO), counted > COUNTED_UP_TO


# What a row of a list never shows: the sealed accounts, left in the database rather than
# carried to the page for every row (a row needs its children and categories, not the story).
NOT_IN_LISTS = (
    "account",
    "location",
    "private_follow_up",
    "body_map",
    "actions_taken",
    "level_reason",
    "rationale",
    "categories_as_raised",
)


def _for_rows(concerns):
    """What each row shows, fetched with the rows: no query per row."""
    return (
        concerns.select_related("raised_by", "assigned_to")
        .defer(*NOT_IN_LISTS)
        .with_children()
        .with_people_named()
    )


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


# --- the export ----------------------------------------------------------------------------------

HEADINGS = [
    "Reference",
    "Logged",
    "About",
    "Category",
    "Urgency",
    "Status",
    "Level",
    "Raised by",
    "Assigned to",
    "Closed",
    "Decision",
    # Last, so the columns before keep their places in spreadsheets made from earlier exports.
    "Other categories",
]


def _about(concern) -> str:
    if concern.is_about_adult:
        adult = getattr(concern, "adult", None)
        person = adult.person if adult else None
        return f"An adult: {person.get_full_name() if person else 'not recorded'}"
    return "; ".join(
        str(named.student)
        + ("" if named.part == "subject" else f" ({named.get_part_display().lower()})")
        for named in concern.named_children
    )


def _other_categories(concern) -> str:
    if concern.other_categories_unreadable():
        return "Cannot be opened on this server"
    return "; ".join(concern.get_other_categories_display())


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _row(concern) -> list:
    return [
        concern.reference,
        _when(concern.created_at),
        _about(concern),
        concern.get_category_display(),
        "Urgent" if concern.is_urgent else "Routine",
        concern.get_status_display(),
        concern.get_level_display() if concern.level else "",
        concern.raised_by.get_full_name() or concern.raised_by.username,
        (concern.assigned_to.get_full_name() or concern.assigned_to.username)
        if concern.assigned_to
        else "",
        _when(concern.closed_at),
        concern.get_decision_display() if concern.decision else "",
        # Opened from the row already fetched: no query per row.
        _other_categories(concern),
    ]


def _export(request, form, concerns):
    """The whole filtered list as CSV for a spreadsheet: UTF-8 with a byte-order mark (so Excel
    reads the names right), every cell safe from formula injection, never cached. One access
    entry says how many concerns were exported and with which filters."""
    if form.errors:
        # Never export something other than what was asked for: the page says what is wrong.
        record_list_look(request, "concern list", form.describe(for_the_log=True), area=AREA)
        return render(
            request,
            "safeguarding/concern_list.html",
            {"form": form, "page": None, "filters": "", "query": ""},
            status=400,
        )
    rows, _keys = ordered(_for_rows(concerns), form.order)
    rows = list(rows)
    filters = form.describe(for_the_log=True) or "no filters"
    access.record_access(
        request,
        request.user,
        how="export concern list",
        reason=f"exported {len(rows)} concern{'s' if len(rows) != 1 else ''} ({filters})",
        area=AREA,
    )
    filename = f"concerns-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_download(HEADINGS, (_row(concern) for concern in rows), filename)
