"""One chronology per child (P3): concerns, actions, referrals, information shares, requests for
advice that became concerns, outcomes and meetings, merged in date order.

Built from one query per kind, whatever the number of entries; filters (kind, date range,
category) are applied to the merged list, so every kind is filtered the same way.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from records.models import MeetingRequest

from .models import Action, AdviceRequest, Concern, InformationShare, Referral


class Kind:
    CONCERN = "concern"
    ADVICE = "advice"
    ACTION = "action"
    REFERRAL = "referral"
    SHARE = "share"
    OUTCOME = "outcome"
    MEETING = "meeting"

    CHOICES = [
        (CONCERN, "Concerns"),
        (ADVICE, "Requests for advice"),
        (ACTION, "Actions"),
        (REFERRAL, "Referrals"),
        (SHARE, "Information shared"),
        (OUTCOME, "Outcomes"),
        (MEETING, "Meetings"),
    ]
    LABELS = dict(CHOICES)


@dataclass
class Entry:
    """One line of the chronology: when, what kind, a heading, the detail, who, which concern."""

    when: datetime
    kind: str
    title: str
    detail: str
    who: str
    concern: Concern | None = None

    @property
    def kind_label(self) -> str:
        return Kind.LABELS[self.kind]

    @property
    def category(self) -> str:
        return self.concern.category if self.concern else ""

    @property
    def reference(self) -> str:
        return self.concern.reference if self.concern else ""


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _concern_entries(concerns):
    for c in concerns:
        yield Entry(
            c.happened_at,
            Kind.CONCERN,
            f"Concern {c.reference}: {c.get_category_display()}"
            + (" (urgent)" if c.is_urgent else ""),
            "\n".join(
                part
                for part in (
                    c.account,
                    f"Where: {c.location}" if c.location else "",
                    f"P1: {c.child_told_summary}.",
                    f"Level: {c.get_level_display()} – {c.level_reason}" if c.level else "",
                )
                if part
            ),
            f"Raised by {c.raised_by}",
            c,
        )
        if c.is_closed:
            yield Entry(
                c.closed_at,
                Kind.OUTCOME,
                f"Closed: {c.get_decision_display()}",
                c.rationale,
                f"Closed by {c.closed_by}" if c.closed_by else "",
                c,
            )


def _action_entries(actions):
    for a in actions:
        done = f"done {timezone.localtime(a.done_at):%d %b %Y}" if a.done_at else "not yet done"
        yield Entry(
            a.created_at,
            Kind.ACTION,
            f"Action for {a.owner}, due {a.due_on:%d %b %Y} ({done})",
            a.description,
            f"Set by {a.created_by}",
            a.concern,
        )


def _referral_entries(referrals):
    for r in referrals:
        yield Entry(
            r.made_at or r.created_at,
            Kind.REFERRAL,
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
            r.concern,
        )


def _share_entries(shares):
    for s in shares:
        told = (
            "Student and parents told first."
            if s.everyone_told
            else f"Not told first: {s.reason_not_told}"
        )
        yield Entry(
            _at(s.shared_on),
            Kind.SHARE,
            f"Information shared with {s.agency} ({s.recipient})",
            f"{s.what_was_shared}\nLawful basis: {s.get_lawful_basis_display()}; "
            f"{s.get_special_category_display()}.\n{told}",
            f"Shared by {s.shared_by}",
            s.concern,
        )


def _advice_entries(requests):
    for a in requests:
        yield Entry(
            a.created_at,
            Kind.ADVICE,
            f"Request for advice {a.reference} (became concern {a.concern.reference})",
            a.question + (f"\nAnswer: {a.answer}" if a.answer else ""),
            f"Asked by {a.asked_by}",
            a.concern,
        )


def _meeting_entries(meetings):
    for m in meetings:
        yield Entry(
            m.created_at,
            Kind.MEETING,
            f"Meeting requested by {m.requested_by or 'a parent'}: {m.get_status_display()}",
            "\n".join(part for part in (m.topic, m.reply) if part),
            f"Answered by {m.answered_by}" if m.answered_by else "",
        )


def entries_for(student) -> list[Entry]:
    """Every entry about ``student``, oldest first (a fixed number of queries)."""
    concerns = list(
        Concern.objects.about_children()
        .about(student)
        .select_related("raised_by", "closed_by")
        .order_by("happened_at")
    )
    by_pk = {c.pk: c for c in concerns}
    ids = list(by_pk)
    actions = Action.objects.filter(concern__in=ids).select_related("owner", "created_by")
    referrals = Referral.objects.filter(concern__in=ids).select_related("made_by")
    shares = InformationShare.objects.about(student).filter(concern__in=ids)
    shares = shares.select_related("shared_by")
    advice = AdviceRequest.objects.filter(concern__in=ids).select_related("asked_by")
    meetings = MeetingRequest.objects.filter(student=student).select_related(
        "requested_by", "answered_by"
    )
    for rows in (actions, referrals, shares, advice):
        for row in rows:
            row.concern = by_pk[row.concern_id]  # reuse the concerns already loaded
    entries = [
        *_concern_entries(concerns),
        *_action_entries(actions),
        *_referral_entries(referrals),
        *_share_entries(shares),
        *_advice_entries(advice),
        *_meeting_entries(meetings),
    ]
    entries.sort(key=lambda e: e.when)
    return entries


def apply_filters(entries, kinds=(), since=None, until=None, category="") -> list[Entry]:
    """Only the chosen kinds, dates (inclusive, local days) and concern category."""
    chosen = []
    for entry in entries:
        day = timezone.localtime(entry.when).date()
        if kinds and entry.kind not in kinds:
            continue
        if since and day < since:
            continue
        if until and day > until:
            continue
        if category and entry.category != category:
            continue
        chosen.append(entry)
    return chosen
