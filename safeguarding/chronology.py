"""One chronology per child (P3): concerns, the team's notes, actions, referrals, decisions not
to refer, information shares, requests for advice that became concerns, outcomes, strategy
discussions, conferences and other meetings, the child's statuses (a plan begun or ended, an
Operation Encompass notification), and parents' requests to meet, merged in date order.
Each entry links to its source: the concern page at the part it comes from, the meeting's page,
the decisions not to refer of its concern, the child's profile, the parent's request.

Built from one query for all the kinds kept here (``read_together``) and one for the history
received from earlier schools, whatever the number of entries; filters (kind, date range,
category) are applied to the merged list, so every kind is filtered the same way. The page on
screen shows the latest entries of a long file (``latest_entries``): it reads every row's dates
first, then whole only the rows it shows.

The PDF for a case conference opens with a cover (``cover_for``): who the child is, their
family, the adults and agencies involved and their statuses, from the safeguarding profile, and
which kinds of entry and which dates the export holds.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import partial
from typing import NamedTuple

from django.urls import reverse
from django.utils import timezone

from confidentiality import access
from confidentiality.page_lists import read_columns_together, read_together
from records.models import MeetingRequest, RecordSection, Student
from records.policy import sections_read_by

from . import profile
from .models import (
    Action,
    AdviceRequest,
    CaseMeeting,
    CaseNote,
    Category,
    Concern,
    DecisionNotToRefer,
    InformationShare,
    Referral,
    SafeguardingStatus,
)


class Kind:
    CONCERN = "concern"
    ADVICE = "advice"
    NOTE = "note"
    ACTION = "action"
    REFERRAL = "referral"
    DECISION = "decision"
    SHARE = "share"
    OUTCOME = "outcome"
    CASE_MEETING = "case_meeting"
    STATUS = "status"
    MEETING = "meeting"
    RECEIVED = "received"  # history received from an earlier school (transfers, P14): read-only

    CHOICES = [
        (CONCERN, "Concerns"),
        (ADVICE, "Requests for advice"),
        (NOTE, "Notes"),
        (ACTION, "Actions"),
        (REFERRAL, "Referrals"),
        (DECISION, "Decisions not to refer"),
        (SHARE, "Information shared"),
        (OUTCOME, "Outcomes"),
        (CASE_MEETING, "Strategy discussions, conferences and meetings"),
        (STATUS, "Statuses and notifications"),
        (MEETING, "Parents' requests to meet"),
        (RECEIVED, "Received from an earlier school"),
    ]
    # Where on the concern page each kind of entry is (its source).
    ANCHORS = {
        NOTE: "#notes",
        ACTION: "#actions",
        REFERRAL: "#referrals",
        SHARE: "#shares",
        OUTCOME: "#close",
    }
    LABELS = dict(CHOICES)


class Entry:
    """One line of the chronology: when, what kind, a heading, the detail, who, which concern.

    Its words may be given as ``words``, a function of no arguments giving (title, detail, who),
    called the first time one of them is read. A long chronology is sorted and filtered on its
    dates, kinds and concerns, which are plain columns; the words open sealed fields, so only
    the entries shown (the latest ``LATEST_SHOWN`` on screen) pay for opening them."""

    __slots__ = ("when", "kind", "concern", "source", "ref", "_words", "_said")

    def __init__(
        self,
        when: datetime,
        kind: str,
        title: str = "",
        detail: str = "",
        who: str = "",
        concern: Concern | None = None,
        # The page the entry comes from, when it is not the concern's (a meeting, a decision).
        source: str = "",
        # The entry's own reference, when it has one besides its concern's (a meeting, a share).
        ref: str = "",
        *,
        words: Callable[[], tuple[str, str, str]] | None = None,
    ):
        self.when, self.kind, self.concern, self.source, self.ref = when, kind, concern, source, ref
        self._words = words
        self._said = None if words else (title, detail, who)

    def _say(self) -> tuple[str, str, str]:
        if self._said is None:
            self._said = self._words()
        return self._said

    @property
    def title(self) -> str:
        return self._say()[0]

    @property
    def detail(self) -> str:
        return self._say()[1]

    @property
    def who(self) -> str:
        return self._say()[2]

    @property
    def link(self) -> str:
        """Where the entry comes from: its own page, or the concern page at the right part."""
        if self.source:
            return self.source
        if self.concern is None:
            return ""
        url = reverse("safeguarding:concern", kwargs={"pk": self.concern.pk})
        return url + Kind.ANCHORS.get(self.kind, "")

    @property
    def kind_label(self) -> str:
        return Kind.LABELS[self.kind]

    @property
    def category(self) -> str:
        """The main category of its concern."""
        return self.concern.category if self.concern else ""

    def falls_under(self, category: str) -> bool:
        """Its concern's main category is ``category``, or the concern also falls under it."""
        return bool(self.concern) and self.concern.falls_under(category)

    @property
    def reference(self) -> str:
        """How to find the entry in the application: its own reference and its concern's."""
        concern = self.concern.reference if self.concern else ""
        if self.ref and concern:
            return f"{self.ref} (concern {concern})"
        return self.ref or concern

    @property
    def body_map(self) -> list[dict]:
        """The marks of a concern's body map, on the concern's own entry only."""
        if self.kind != Kind.CONCERN or self.concern is None:
            return []
        marks = self.concern.body_map or []
        # Marks that cannot be opened here are said so in the entry's detail, not drawn.
        return (
            [] if getattr(marks, "unreadable", False) else [m for m in marks if isinstance(m, dict)]
        )


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _concern_words(c) -> tuple[str, str, str]:
    return (
        f"Concern {c.reference}: {c.categories_display}" + (" (urgent)" if c.is_urgent else ""),
        "\n".join(
            part
            for part in (
                c.account,
                f"Where: {c.location}" if c.location else "",
                f"What the child was told about passing it on: {c.child_told_summary}.",
                f"Level: {c.get_level_display()} – {c.level_reason}" if c.level else "",
                _marks_in_words(c.body_map),
            )
            if part
        ),
        f"Raised by {c.raised_by}",
    )


def _outcome_words(c) -> tuple[str, str, str]:
    return (
        f"Closed: {c.get_decision_display()}",
        c.rationale,
        f"Closed by {c.closed_by}" if c.closed_by else "",
    )


def _concern_entries(concerns):
    for c in concerns:
        for kind, when, words in _concern_moments(c):
            yield Entry(when, kind, concern=c, words=partial(words, c))


def _marks_in_words(marks) -> str:
    if getattr(marks, "unreadable", False):
        return f"Body map: {marks}"
    if not marks:
        return ""
    n = len(marks)
    return f"Body map: {n} mark{'' if n == 1 else 's'} recorded."


def _what_they_were_told(action) -> str:
    """What the person an action was set for was told (all they saw of the concern)."""
    if action.owner_id == action.created_by_id:
        return ""
    if action.brief:
        told = f"Told {action.owner}: {action.brief}"
    else:
        told = f"{action.owner} was asked to speak to {action.created_by}."
    if action.tell_which_child:
        told += "\n(The child was named to them.)"
    return told


def _action_set_words(a) -> tuple[str, str, str]:
    done = f"done {timezone.localtime(a.done_at):%d %b %Y}" if a.done_at else "not yet done"
    return (
        f"Action for {a.owner}, due {a.due_on:%d %b %Y} ({done})",
        "\n".join(part for part in (a.description, _what_they_were_told(a)) if part),
        f"Set by {a.created_by}",
    )


def _action_done_words(a) -> tuple[str, str, str]:
    late = " (after its due date)" if timezone.localtime(a.done_at).date() > a.due_on else ""
    return (
        f"Action done by {a.done_by or 'a former member of staff'}{late}",
        "\n".join(
            (
                f"The action: {a.description}",
                f"Note: {a.done_note}" if a.done_note else "No note was added.",
            )
        ),
        f"Recorded by {a.done_by}" if a.done_by else "",
    )


def _action_entries(actions):
    for a in actions:
        for kind, when, words in _action_moments(a):
            yield Entry(when, kind, concern=a.concern, words=partial(words, a))


def _referral_words(r) -> tuple[str, str, str]:
    return (
        f"Referral to {r.get_agency_display()} ({r.clock})",
        "\n".join(
            part
            for part in (
                r.details,
                f"Spoke to: {r.contact}" if r.contact else "",
                f"Their reference: {r.agency_reference}" if r.agency_reference else "",
                f"Outcome: {r.outcome}" if r.outcome else "",
            )
            if part
        ),
        f"By {r.made_by}" if r.made_by else "Not yet made by anyone",
    )


def _referral_entries(referrals):
    for r in referrals:
        for kind, when, words in _referral_moments(r):
            yield Entry(when, kind, concern=r.concern, words=partial(words, r))


def _share_words(s) -> tuple[str, str, str]:
    told = (
        "Student and parents told first."
        if s.everyone_told
        else f"Not told first: {s.reason_not_told}"
    )
    return (
        f"Information shared with {s.agency} ({s.recipient})",
        f"{s.what_was_shared}\nLawful basis: {s.get_lawful_basis_display()}; "
        f"{s.get_special_category_display()}.\n{told}",
        f"Shared by {s.shared_by}",
    )


def _share_entries(shares):
    for s in shares:
        for kind, when, words in _share_moments(s):
            yield Entry(when, kind, concern=s.concern, ref=s.reference, words=partial(words, s))


def _advice_words(a) -> tuple[str, str, str]:
    return (
        f"Request for advice {a.reference} (became concern {a.concern.reference})",
        a.question + (f"\nAnswer: {a.answer}" if a.answer else ""),
        f"Asked by {a.asked_by}",
    )


def _advice_entries(requests):
    for a in requests:
        for kind, when, words in _advice_moments(a):
            yield Entry(when, kind, concern=a.concern, ref=a.reference, words=partial(words, a))


def _note_words(n) -> tuple[str, str, str]:
    return (f"Note on concern {n.concern.reference}", n.text, f"By {n.author}")


def _note_entries(notes):
    """The safeguarding team's own notes on the concerns: calls, conversations, thoughts."""
    for n in notes:
        for kind, when, words in _note_moments(n):
            yield Entry(when, kind, concern=n.concern, words=partial(words, n))


def _decision_words(d) -> tuple[str, str, str]:
    consulted = f"Advice taken: {d.consulted}" if d.consulted else ""
    return (
        f"Decision not to refer to {d.get_agency_display().lower()}",
        "\n".join(part for part in (f"Reasons: {d.reasoning}", consulted) if part),
        f"Decided by {d.decided_by}",
    )


def _decision_entries(decisions):
    for d in decisions:
        source = reverse("safeguarding:decisions_not_to_refer", kwargs={"pk": d.concern_id})
        for kind, when, words in _decision_moments(d):
            yield Entry(
                when,
                kind,
                concern=d.concern,
                source=f"{source}#decision-{d.pk}",
                words=partial(words, d),
            )


def _case_meeting_words(m) -> tuple[str, str, str]:
    next_on = f"Next meeting: {m.next_on:%d %b %Y}" if m.next_on else "No next meeting set."
    return (
        m.get_kind_display(),
        "\n".join(
            part
            for part in (
                f"Attended: {m.attendees}",
                m.discussion,
                f"Decisions: {m.decisions}",
                next_on,
            )
            if part
        ),
        f"Recorded by {m.recorded_by}",
    )


def _case_meeting_entries(student, meetings):
    for m in meetings:
        source = reverse("safeguarding:meeting", kwargs={"pk": student.pk, "meeting_pk": m.pk})
        for kind, when, words in _case_meeting_moments(m):
            yield Entry(
                when,
                kind,
                concern=m.concern,
                source=source,
                ref=m.reference,
                words=partial(words, m),
            )


def _status_began_words(s) -> tuple[str, str, str]:
    return (s.label if s.is_event else f"{s.label} began", s.note, f"Recorded by {s.recorded_by}")


def _status_ended_words(s) -> tuple[str, str, str]:
    return (f"{s.label} ended", "", f"Recorded by {s.recorded_by}")


def _status_entries(student, statuses):
    """Each links to the child's profile."""
    profile = reverse("safeguarding:profile", kwargs={"pk": student.pk})
    for s in statuses:
        for kind, when, words in _status_moments(s):
            yield Entry(when, kind, source=f"{profile}#status-{s.pk}", words=partial(words, s))


def _meeting_words(m) -> tuple[str, str, str]:
    return (
        f"Meeting requested by {m.requested_by or 'a parent'}: {m.get_status_display()}",
        "\n".join(part for part in (m.topic, m.reply) if part),
        f"Answered by {m.answered_by}" if m.answered_by else "",
    )


def _meeting_entries(meetings):
    for m in meetings:
        source = reverse("records:meeting_detail", kwargs={"pk": m.pk})
        for kind, when, words in _meeting_moments(m):
            yield Entry(when, kind, source=source, words=partial(words, m))


def _received_entries(student):
    """The history an earlier school sent with the child (``transfers``), as it arrived."""
    from transfers.receiving import received_entries

    for r in received_entries(student):
        title = f"Received from {r['school']}: {r.get('kind_label', '')}: {r.get('title', '')}"
        when = _received_moment(r.get("when"))
        if when is None:  # a file imported before its dates were checked: never a broken page
            when = r["received_at"]
            title += " (its date is not readable: shown on the day the file was imported)"
        yield Entry(
            when,
            Kind.RECEIVED,
            title,
            str(r.get("detail", "")),
            str(r.get("who", "")),
            ref=str(r.get("reference", "")),
        )


def _received_moment(value) -> datetime | None:
    """A received entry's moment, if it is a readable date and time with its time zone."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None


# --- when each row appears, and as what ---------------------------------------------------------
# ``_<list>_moments(row)`` gives (kind, when, words) for each entry a row makes. It reads only
# plain columns (listed in ``MOMENTS``), so it works on a whole instance and on the narrow row
# a long chronology reads first to find its latest entries (``latest_entries``).


def _concern_moments(c):
    yield Kind.CONCERN, c.happened_at, _concern_words
    if c.status == Concern.Status.CLOSED:
        yield Kind.OUTCOME, c.closed_at, _outcome_words


def _action_moments(a):
    """When it was set (with what its person was told) and, once done, the completion with its
    note, each on its own date."""
    yield Kind.ACTION, a.created_at, _action_set_words
    if a.done_at:
        yield Kind.ACTION, a.done_at, _action_done_words


def _referral_moments(r):
    yield Kind.REFERRAL, r.made_at or r.created_at, _referral_words


def _share_moments(s):
    yield Kind.SHARE, _at(s.shared_on), _share_words


def _advice_moments(a):
    yield Kind.ADVICE, a.created_at, _advice_words


def _note_moments(n):
    yield Kind.NOTE, n.created_at, _note_words


def _decision_moments(d):
    yield Kind.DECISION, _at(d.decided_on), _decision_words


def _case_meeting_moments(m):
    yield Kind.CASE_MEETING, m.held_at, _case_meeting_words


def _status_moments(s):
    """A status (a plan, child in need...) when it began and when it ended; a notification
    (Operation Encompass) on its day."""
    yield Kind.STATUS, _at(s.started_on), _status_began_words
    if s.ended_on is not None:
        yield Kind.STATUS, _at(s.ended_on), _status_ended_words


def _meeting_moments(m):
    yield Kind.MEETING, m.created_at, _meeting_words


class _Moments(NamedTuple):
    """A list's moments (``_<list>_moments``) and the plain columns they are worked out from."""

    of: Callable
    columns: tuple[str, ...]


MOMENTS = {
    "concerns": _Moments(_concern_moments, ("id", "happened_at", "status", "closed_at")),
    "actions": _Moments(_action_moments, ("id", "concern_id", "created_at", "done_at")),
    "referrals": _Moments(_referral_moments, ("id", "concern_id", "made_at", "created_at")),
    "shares": _Moments(_share_moments, ("id", "concern_id", "shared_on")),
    "advice": _Moments(_advice_moments, ("id", "concern_id", "created_at")),
    "notes": _Moments(_note_moments, ("id", "concern_id", "created_at")),
    "decisions": _Moments(_decision_moments, ("id", "concern_id", "decided_on")),
    "case_meetings": _Moments(_case_meeting_moments, ("id", "concern_id", "held_at")),
    "statuses": _Moments(_status_moments, ("id", "started_on", "ended_on")),
    "meetings": _Moments(_meeting_moments, ("id", "created_at")),
}


def _lists_of(student) -> dict:
    """The querysets of every kind of row about ``student``, each in its own order: the concerns
    about the child, and each kind's rows found through those concerns (a subquery), or through
    the child's own blind link."""
    concerns = (
        Concern.objects.about_children()
        .about(student)
        .select_related("raised_by", "closed_by")
        .order_by("happened_at")
    )
    # The same concerns, as a subquery: the kinds below follow the concerns about this child.
    ids = Concern.objects.about_children().about(student).values("pk")
    lists = {
        "concerns": concerns,
        "actions": Action.objects.filter(concern__in=ids).select_related(
            "owner", "created_by", "done_by"
        ),
        "referrals": Referral.objects.filter(concern__in=ids).select_related("made_by"),
        "shares": InformationShare.objects.about(student)
        .filter(concern__in=ids)
        .select_related("shared_by"),
        "advice": AdviceRequest.objects.filter(concern__in=ids).select_related("asked_by"),
        "notes": CaseNote.objects.filter(concern__in=ids).select_related("author"),
        "decisions": DecisionNotToRefer.objects.filter(concern__in=ids).select_related(
            "decided_by"
        ),
        "case_meetings": CaseMeeting.objects.about(student).select_related("recorded_by"),
        "statuses": SafeguardingStatus.objects.about(student).select_related("recorded_by"),
        "meetings": MeetingRequest.objects.filter(student=student).select_related(
            "requested_by", "answered_by"
        ),
    }
    return {name: _in_a_fixed_order(queryset) for name, queryset in lists.items()}


def _in_a_fixed_order(queryset):
    """The queryset in its own order, ties broken by key: the dates and the whole rows are read
    in two queries (``latest_entries``), and entries at the same moment (a share and a decision
    on one day) must fall on the same side of the cut in both, and in the whole chronology."""
    order = queryset.query.order_by or queryset.model._meta.ordering
    return queryset.order_by(*order, "pk")


def entries_for(student) -> list[Entry]:
    """Every entry about ``student``, oldest first (a fixed number of queries: one for all the
    kinds kept here, one for the history received from earlier schools)."""
    return _entries_of(student, read_together(**_lists_of(student)), _received_entries(student))


def _entries_of(student, found: dict, received) -> list[Entry]:
    """The entries of the rows ``found`` (by list) and of those ``received``, oldest first."""
    concerns = found["concerns"]
    by_pk = {c.pk: c for c in concerns}
    for name in ("actions", "referrals", "shares", "advice", "notes", "decisions"):
        for row in found[name]:
            row.concern = by_pk[row.concern_id]  # reuse the concerns already loaded
    for m in found["case_meetings"]:
        # A meeting may follow a concern that no longer names this child: no link to it then.
        m.concern = by_pk.get(m.concern_id)
    entries = [
        *_concern_entries(concerns),
        *_action_entries(found["actions"]),
        *_referral_entries(found["referrals"]),
        *_share_entries(found["shares"]),
        *_advice_entries(found["advice"]),
        *_note_entries(found["notes"]),
        *_decision_entries(found["decisions"]),
        *_case_meeting_entries(student, found["case_meetings"]),
        *_status_entries(student, found["statuses"]),
        *_meeting_entries(found["meetings"]),
        *received,
    ]
    entries.sort(key=lambda e: e.when)
    return entries


def latest_entries(
    student, most: int, kinds=(), since=None, until=None, category=""
) -> tuple[list[Entry], int]:
    """The latest ``most`` entries chosen as ``apply_filters`` chooses, oldest first, and how
    many are chosen in all.

    A child's file may hold thousands of entries. Every row's moments are read first, from plain
    columns only (``MOMENTS``); then only the rows of the entries shown, and the concerns they
    belong to, are read whole. A category is a concern's sealed list of categories: with one
    chosen, the whole chronology is read and narrowed."""
    if category:
        chosen = apply_filters(entries_for(student), kinds, since, until, category)
        return _last(chosen, most), len(chosen)
    lists = _lists_of(student)
    dates = read_columns_together(
        **{name: (queryset, MOMENTS[name].columns) for name, queryset in lists.items()}
    )
    marks = [
        (when, name, row)
        for name, rows in dates.items()
        for row in rows
        for kind, when, _ in MOMENTS[name].of(row)
        if _chosen(when, kind, kinds, since, until)
    ]
    marks.extend(
        (entry.when, None, entry)
        for entry in _received_entries(student)
        if _chosen(entry.when, entry.kind, kinds, since, until)
    )
    marks.sort(key=lambda mark: mark[0])
    shown = _last(marks, most)
    wanted = {name: set() for name in lists}
    received = []
    for _, name, row in shown:
        if name is None:
            received.append(row)
            continue
        wanted[name].add(row.id)
        if getattr(row, "concern_id", None) is not None:
            wanted["concerns"].add(row.concern_id)
    found = read_together(
        **{name: queryset.filter(pk__in=wanted[name]) for name, queryset in lists.items()}
    )
    # The rows read whole may make entries not shown (a concern whose outcome is): the same
    # choice again drops them.
    entries = _last(apply_filters(_entries_of(student, found, received), kinds, since, until), most)
    # A concern closed between the two reads adds its outcome to the second: the count is then
    # at least what is shown, never fewer.
    return entries, max(len(marks), len(entries))


def _last(items: list, most: int) -> list:
    return items[max(0, len(items) - most) :]


def _chosen(when, kind, kinds=(), since=None, until=None) -> bool:
    """An entry of ``kind`` at ``when`` is of the kinds and within the dates (inclusive, local
    days) chosen."""
    if kinds and kind not in kinds:
        return False
    if since or until:
        day = timezone.localtime(when).date()
        if (since and day < since) or (until and day > until):
            return False
    return True


def apply_filters(entries, kinds=(), since=None, until=None, category="") -> list[Entry]:
    """Only the chosen kinds, dates (inclusive, local days) and concern category (main or
    other)."""
    return [
        entry
        for entry in entries
        if _chosen(entry.when, entry.kind, kinds, since, until)
        and (not category or entry.falls_under(category))
    ]


# --- the cover of the PDF for a case conference ----------------------------------------------

# What the cover says of each status the profile records, most serious first.
STATUS_KINDS = [k for k in SafeguardingStatus.ORDER if k not in SafeguardingStatus.EVENTS]


@dataclass
class Cover:
    """What the first page of the case-conference PDF says: who the child is, their family, the
    adults and agencies involved, where they stand with children's services (the safeguarding
    profile's own lists, ``profile.profile_of``), and what this export holds."""

    student: Student
    from_profile: dict  # what the profile page shows (``profile.profile_of``)
    gender: str = ""  # blank when not recorded, or not for this person to read
    address: str | None = None  # None: not for this person to read; "": not recorded
    parents: list | None = None  # None: this person may not see the child's contacts
    kinds: list = field(default_factory=list)  # the kinds chosen; empty: every kind
    since: date | None = None
    until: date | None = None
    category: str = ""

    @property
    def kinds_included(self) -> list[str]:
        chosen = self.kinds or [k for k, _ in Kind.CHOICES]
        return [label for k, label in Kind.CHOICES if k in chosen]

    @property
    def kinds_left_out(self) -> list[str]:
        if not self.kinds:
            return []
        return [label for k, label in Kind.CHOICES if k not in self.kinds]

    @property
    def dates(self) -> str:
        """The date range in words: "From 1 Sep 2026 to 30 Nov 2026", "All dates"."""
        if self.since and self.until:
            return f"From {profile.day(self.since)} to {profile.day(self.until)}"
        if self.since:
            return f"From {profile.day(self.since)} to the day it was generated"
        if self.until:
            return f"From the first entry to {profile.day(self.until)}"
        return "All dates, from the first entry to the day it was generated"

    @property
    def category_words(self) -> str:
        if not self.category:
            return "Concerns of every category"
        return (
            "Only entries about concerns under "
            f"{dict(Category.choices).get(self.category, self.category)} (statuses and parents' "
            "requests to meet, which belong to no concern, are left out)"
        )

    @property
    def statuses(self) -> list[tuple[str, str]]:
        """Each status in words, in force or not, most serious first; then the Operation
        Encompass notifications and any referral still awaiting its outcome."""
        current, past = self.from_profile["current"], self.from_profile["past"]
        rows, never = [], []
        for kind in STATUS_KINDS:
            label = SafeguardingStatus.Kind(kind).label
            now = [s for s in current if s.kind == kind]
            before = [s for s in past if s.kind == kind and s.ended_on]
            if now:
                rows.append((label, "; ".join(_in_force(s) for s in now)))
            elif before:
                last = max(before, key=lambda s: s.ended_on)
                rows.append(
                    (label, f"Not at present (the last ended {profile.day(last.ended_on)})")
                )
            else:
                never.append(label)
        if never:
            # One line for the statuses never recorded, so the cover stays on one page.
            rows.append(("None recorded", ", ".join(never)))
        notices = sorted(self.from_profile["encompass"], key=lambda s: s.started_on, reverse=True)
        rows.append(
            (
                "Operation Encompass notifications",
                (
                    f"{len(notices)}: " + ", ".join(profile.day(s.started_on) for s in notices)
                    if notices
                    else "None recorded"
                ),
            )
        )
        for referral in self.from_profile["awaiting_outcome"]:
            made = profile.day(referral.made_at or referral.created_at)
            rows.append(
                (
                    "Referral to children's social care",
                    f"Made {made}, awaiting its outcome (concern {referral.concern.reference})",
                )
            )
        return rows


def _in_force(status) -> str:
    words = f"Yes, since {profile.day(status.started_on)}"
    if status.plan_category:
        words += f"; category: {status.get_plan_category_display().lower()}"
    if status.ended_on:
        words += f"; ends {profile.day(status.ended_on)}"
    return words


def _record_sections(student, user, wanted: dict):
    """The sections of the child's record (``{kind: key}``) this person may read in full (the
    records policy says who, worked out once): ``(kinds, queryset of those sections)``."""
    readable = sections_read_by(user, student)
    kinds = [kind for kind in wanted if readable.get(kind)]
    return kinds, student.sections.filter(kind__in=kinds)


def _from_record(wanted: dict, kinds, sections) -> dict:
    """Entries of the sections read (``{kind: key}``): None for a section this person may not
    read in full, "" when it is not recorded."""
    sections = {s.kind: s for s in sections}
    found = {}
    for kind, key in wanted.items():
        if kind not in kinds:
            found[kind] = None
        else:
            section = sections.get(kind)
            found[kind] = str((section.details or {}).get(key, "")) if section else ""
    return found


def cover_for(student, user, kinds=(), since=None, until=None, category="") -> Cover:
    """The cover of ``student``'s case-conference PDF as ``user`` may read it, and what was
    chosen for the export (the same choices as ``apply_filters``). The profile, the parents and
    carers and the record's sections are read in one query."""
    may_see_contacts = access.has_permission(user, "records.view_parentlink", student)
    wanted = {RecordSection.Kind.PROTECTED: "gender", RecordSection.Kind.FAMILY: "address"}
    readable, sections = _record_sections(student, user, wanted)
    from_profile, found = profile.read_profile(student, parents=may_see_contacts, sections=sections)
    record = _from_record(wanted, readable, found["sections"])
    return Cover(
        student=student,
        from_profile=from_profile,
        gender=record[RecordSection.Kind.PROTECTED] or "",
        address=record[RecordSection.Kind.FAMILY],
        parents=found["parents"] if may_see_contacts else None,
        kinds=list(kinds or []),
        since=since,
        until=until,
        category=category or "",
    )
