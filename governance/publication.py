"""What the school publishes of a meeting, decided here and only here (P17).

The public page and the PDF both take what they show from ``published_minutes``, which reads the
public minutes and the attendance of a meeting whose minutes are published, and nothing else: no
query here touches the confidential minutes, the confidential papers or the head teacher's
report, so neither output can carry them.
"""

from dataclasses import dataclass

from django.utils import timezone

from confidentiality.forms.people import person_label

from .models import Meeting


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
    items: list[PublishedItem]
    approved: str
    slug: str


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
