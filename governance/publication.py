"""What the school publishes of a meeting, decided here and only here (P17).

The public page and the PDF both take what they show from ``published_minutes``, which reads the
public minutes and the attendance of a meeting whose minutes are published, and nothing else: no
query here touches the confidential minutes, the confidential papers or the head teacher's
report, so neither output can carry them. The search of the published minutes
(``search_published_minutes``) reads the same public items of the same published meetings.
"""

import re
from dataclasses import dataclass

from django.utils import timezone

from confidentiality.forms.people import person_label

from .models import Attendance, Meeting, PublicMinuteItem


@dataclass(frozen=True)
class PublishedItem:
    number: int
    heading: str
    text: str


@dataclass(frozen=True)
class PublishedMinutes:
    meeting: Meeting
    title: str
    held: str
    place: str
    present: list[str]
    apologies: list[str]
    apologies_not_accepted: list[str]
    absent: list[str]
    items: list[PublishedItem]
    approved: str
    slug: str


def _named(meeting, status) -> list[str]:
    return [
        person_label(a.person)
        for a in meeting.attendances.filter(status=status).select_related("person")
    ]


def published_meetings():
    return Meeting.objects.minutes_published().select_related("minutes_approved_at")


def published_minutes(meeting: Meeting) -> PublishedMinutes:
    """The published public minutes of ``meeting`` (which must be published)."""
    if not meeting.minutes_published:
        raise ValueError("These minutes are not published.")
    approving = meeting.minutes_approved_at
    return PublishedMinutes(
        meeting=meeting,
        title=f"Minutes of the meeting of the {meeting.get_committee_display().lower()}",
        held=f"{timezone.localtime(meeting.held_at):%A %d %B %Y, %H:%M}",
        place=meeting.place,
        present=[person_label(a.person) for a in meeting.present()],
        apologies=[person_label(a.person) for a in meeting.apologies()],
        apologies_not_accepted=_named(meeting, Attendance.Status.APOLOGIES_NOT_ACCEPTED),
        absent=_named(meeting, Attendance.Status.ABSENT),
        items=[
            PublishedItem(item.number, str(item.heading), str(item.text))
            for item in meeting.public_minutes.all()
        ],
        approved=(
            f"Approved at the meeting of {timezone.localtime(approving.held_at):%d %B %Y}."
            if approving
            else ""
        ),
        slug=meeting.slug,
    )


# --- searching the published minutes -----------------------------------------------------------

SEARCH_MAX_CHARACTERS = 100
SEARCH_MAX_WORDS = 8
SNIPPET_AROUND = 80


@dataclass(frozen=True)
class SearchResult:
    meeting: Meeting
    number: int
    heading: str
    # The snippet as (text, is_a_searched_word) parts: the template marks the words without
    # ever reading the text as HTML.
    snippet: list[tuple[str, bool]]


def search_words(query: str) -> list[str]:
    """The words searched for: lower case, at most ``SEARCH_MAX_WORDS`` of them."""
    words = query[:SEARCH_MAX_CHARACTERS].lower().split()
    return list(dict.fromkeys(words))[:SEARCH_MAX_WORDS]


def _snippet(text: str, words: list[str]) -> list[tuple[str, bool]]:
    """Some text around the first word found, the words found in it marked."""
    lowered = text.lower()
    first = min((i for i in (lowered.find(w) for w in words) if i >= 0), default=0)
    start = max(0, first - SNIPPET_AROUND)
    end = min(len(text), first + SNIPPET_AROUND)
    piece = text[start:end]
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    parts, at = [], 0
    for found in pattern.finditer(piece):
        if found.start() > at:
            parts.append((piece[at : found.start()], False))
        parts.append((found.group(), True))
        at = found.end()
    if at < len(piece):
        parts.append((piece[at:], False))
    if start > 0:
        parts.insert(0, ("…", False))
    if end < len(text):
        parts.append(("…", False))
    return parts


def search_published_minutes(query: str) -> list[SearchResult]:
    """The items of the published public minutes whose heading or text holds every word of
    ``query``, newest meeting first.

    Only the public minutes of meetings whose minutes are published are read: the query names
    ``PublicMinuteItem`` of a published meeting and nothing else, so a confidential minute, a
    confidential paper, the head teacher's report or a draft item cannot be found (P17). The
    heading and text are encrypted at rest, so the database cannot search them: the items are
    fetched in ONE query (with their meeting) and matched in Python after decryption. That is
    bounded: a school publishes a few meetings' minutes a term, a few hundred items in all."""
    words = search_words(query)
    if not words:
        return []
    items = (
        PublicMinuteItem.objects.filter(meeting__minutes_published_at__isnull=False)
        .select_related("meeting")
        .order_by("-meeting__held_at", "number")
    )
    results = []
    for item in items:
        heading, text = str(item.heading), str(item.text)
        together = f"{heading}\n{text}".lower()
        if all(word in together for word in words):
            results.append(SearchResult(item.meeting, item.number, heading, _snippet(text, words)))
    return results
