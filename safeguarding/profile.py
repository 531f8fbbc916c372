"""A child's safeguarding profile as the team reads it: the statuses in force, the adults and
agencies involved, the other children at the school in the same household, the meetings and the
referrals still waiting for an outcome; and the flag it puts on the child's record.

The flag is the safeguarding team's alone. Records knows nothing of safeguarding: this app
registers ``student_flag`` with ``records.student_flags``, and for anyone outside the team it
returns nothing, so the page they see carries no trace that a flag could exist (P3, P5).
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from confidentiality import access
from confidentiality.page_lists import read_together
from records.models import ParentLink, Student
from records.student_flags import Flag

from .models import CaseMeeting, Concern, KeyContact, Referral, SafeguardingStatus
from .policy import CHRONOLOGY, is_safeguarding_team


@dataclass
class HouseholdMember:
    """Another child at the school who shares a parent or carer with this one."""

    student: Student
    through: list = field(default_factory=list)  # "Jo Bloggs (mother)", ...


def _household_links(student):
    """The links of every other child at the school to one of this child's parents or carers."""
    adults = ParentLink.objects.filter(student=student).values("parent")
    return (
        ParentLink.objects.filter(parent__in=adults)
        .exclude(student=student)
        .select_related("student", "parent")
        .order_by("student__last_name", "student__first_name", "parent__last_name")
    )


def _members(links) -> list[HouseholdMember]:
    members: dict = {}
    for link in links:
        member = members.setdefault(link.student_id, HouseholdMember(link.student))
        member.through.append(f"{link.parent.get_full_name()} ({link.get_relationship_display()})")
    return list(members.values())


def household(student) -> list[HouseholdMember]:
    """The brothers, sisters and other children at the school living with the same adults: every
    child linked to one of this child's parents or carers (one query)."""
    return _members(_household_links(student))


def _parents_and_carers(student):
    return (
        ParentLink.objects.filter(student=student)
        .select_related("parent")
        .order_by("contact_priority", "parent__last_name", "parent__first_name")
    )


def parents_and_carers(student) -> list:
    """The child's parents and carers as the school holds them, in the order they are called in
    an emergency (one query)."""
    return list(_parents_and_carers(student))


def _by_seriousness(statuses) -> list:
    order = SafeguardingStatus.ORDER
    return sorted(statuses, key=lambda s: (order.index(s.kind), s.started_on))


def current_statuses(student) -> list:
    """The statuses in force today, the most serious first (a child protection plan first)."""
    return _by_seriousness(SafeguardingStatus.objects.about(student).current())


def awaiting_outcome(student):
    """The referrals to children's social care about this child still waiting for an outcome:
    what the record's "social-services involvement" cannot know of."""
    concerns = Concern.objects.about_children().about(student).values("pk")
    return (
        Referral.objects.filter(
            concern__in=concerns,
            agency=Referral.Agency.CHILDRENS_SOCIAL_CARE,
            outcome_at__isnull=True,
        )
        .select_related("concern")
        .order_by("created_at")
    )


def profile_of(student) -> dict:
    """Everything the profile page shows (one query, ``read_profile``)."""
    return read_profile(student)[0]


def read_profile(student, *, parents=False, **also) -> tuple[dict, dict]:
    """What the profile page shows (``profile_of``) and, read in the same query, the child's
    parents and carers (``parents``: as ``parents_and_carers``) and any other lists about the
    child (``also``: querysets by name): ``(profile, {name: list})``."""
    lists = {"parents": _parents_and_carers(student)} if parents else {}
    found = read_together(
        statuses=SafeguardingStatus.objects.about(student).select_related("recorded_by"),
        running=SafeguardingStatus.objects.about(student).current(),
        contacts=KeyContact.objects.about(student),
        household=_household_links(student),
        meetings=CaseMeeting.objects.about(student).select_related("recorded_by", "concern"),
        concerns=Concern.objects.about_children()
        .about(student)
        .select_related("assigned_to")
        .order_by("-created_at"),
        awaiting_outcome=awaiting_outcome(student),
        **lists,
        **also,
    )
    statuses, contacts = found["statuses"], found["contacts"]
    running = {s.pk for s in found["running"]}
    profile = {
        "current": _by_seriousness([s for s in statuses if s.pk in running and not s.is_event]),
        "encompass": [s for s in statuses if s.is_event],
        "past": [s for s in statuses if s.pk not in running and not s.is_event],
        "contacts": [c for c in contacts if c.ended_on is None],
        "former_contacts": [c for c in contacts if c.ended_on is not None],
        "household": _members(found["household"]),
        "meetings": found["meetings"],
        "concerns": found["concerns"],
        "awaiting_outcome": found["awaiting_outcome"],
    }
    return profile, {name: found[name] for name in (*lists, *also)}


# How the flag on the record says each status ("Safeguarding: on a child protection plan ...").
FLAG_WORDS = {
    SafeguardingStatus.Kind.CHILD_PROTECTION_PLAN: "on a child protection plan",
    SafeguardingStatus.Kind.CHILD_IN_NEED: "child in need",
    SafeguardingStatus.Kind.LOOKED_AFTER: "looked after",
    SafeguardingStatus.Kind.EARLY_HELP: "early help",
    SafeguardingStatus.Kind.EHCP: "EHCP",
    SafeguardingStatus.Kind.YOUNG_CARER: "young carer",
    SafeguardingStatus.Kind.PRIVATELY_FOSTERED: "privately fostered",
}


def day(value) -> str:
    """A day as the flag says it, e.g. 3 Mar 2026 (a date, or a moment in the school's time)."""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value).date()
    return f"{value.day} {value:%b %Y}"


def summary(statuses, referrals) -> str:
    """The flag's words, e.g. "on a child protection plan (neglect) since 3 Mar 2026; child in
    need since ..."; or that no status is recorded."""
    parts = []
    for status in statuses:
        if status.is_event:
            continue
        words = FLAG_WORDS[status.kind]
        if status.plan_category:
            words += f" ({status.get_plan_category_display().lower()})"
        parts.append(f"{words} since {day(status.started_on)}")
    made = sorted(referral.made_at or referral.created_at for referral in referrals)
    if len(made) > 2:  # a long wait said once, not a phrase per referral
        parts.append(
            f"{len(made)} referrals to children's social care awaiting their outcome, "
            f"the first made {day(made[0])}, the latest {day(made[-1])}"
        )
    else:
        parts.extend(
            f"referral to children's social care made {day(when)}, awaiting its outcome"
            for when in made
        )
    return "; ".join(parts) or "no current status recorded"


def _columns_but(model, *kept) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.name not in kept]


def student_flag(student, user) -> list[Flag]:
    """The flag at the top of the child's record: the team's, and nobody else's. Outside the
    team (or without the team's permission on this child, or unverified) nothing at all."""
    lists = student_flag_lists(student, user)
    return [] if lists is None else student_flag_from(student, read_together(**lists))


def student_flag_lists(student, user) -> dict | None:
    """What the flag is made from, for the team only (None for anyone else). The flag says
    only when each referral was made: the concern and the referral's own (encrypted) words are
    never opened, which a child with a long history would make slow."""
    if not (is_safeguarding_team(user) and access.has_permission(user, CHRONOLOGY, student)):
        return None
    try:
        access.require_second_factor(user)
    except access.SecondFactorRequired:
        return None
    events = SafeguardingStatus.objects.about(student).filter(
        kind=SafeguardingStatus.Kind.OPERATION_ENCOMPASS
    )
    return {
        "statuses": SafeguardingStatus.objects.about(student).current(),
        # Only when each was made: not every column of what may be hundreds of referrals.
        "waiting": awaiting_outcome(student)
        .select_related(None)
        .defer(*_columns_but(Referral, "id", "made_at", "created_at")),
        "latest": events.order_by("-started_on")[:1],
    }


def student_flag_from(student, found) -> list[Flag]:
    """The flag from what ``student_flag_lists`` named, read."""
    statuses = _by_seriousness(found["statuses"])
    text = "Safeguarding: " + summary(statuses, found["waiting"])
    latest = found["latest"][0] if found["latest"] else None
    if latest is not None:
        text += f". Latest Operation Encompass notification {day(latest.started_on)}"
    return [
        Flag(
            text=text + ".",
            links=(
                ("Safeguarding profile", reverse("safeguarding:profile", args=[student.pk])),
                ("Chronology", reverse("safeguarding:chronology", args=[student.pk])),
            ),
        )
    ]
