"""Telling people that something in a performance file is theirs to do (P18): named as
observer, delegated a file, a review awaiting their comments and sign-off, a review signed off
(the holder), a delegation about to end or ended.

An email says who and when, never what: no objective, rating, outcome, lesson, data or pay,
and not even whose file a reviewer or observer is asked about (mail passes through servers
outside the school). The task that sends it is given an event name and an id, never content:
the task queue keeps its arguments in plain JSON. The rest waits behind the sign-in, in the
"Waiting for you" list (``performance.waiting``).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from confidentiality.notifications import send_templated
from safeguarding import school_time

from . import policy
from .models import Delegation, Observation, ReviewMeeting

# How many days before a delegation ends the reviewer hears that it is about to.
NOTICE_DAYS = 7


def _name(user) -> str:
    return user.get_full_name() or user.username


def _link() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("performance:home")


# --- who hears of each event, in which words (template) and with which facts ------------------
# Each returns [(people, template, facts)]; facts are names and dates only.


def _observer_named(observation):
    return [
        (
            [observation.observer],
            "performance_observer_named",
            {"who": _name(observation.named_by), "when": observation.planned_for},
        )
    ]


def _file_delegated(delegation):
    return [
        (
            [delegation.reviewer],
            "performance_file_delegated",
            {"who": _name(delegation.delegated_by), "until": delegation.ends_on},
        )
    ]


def _review_recorded(review):
    return [
        (
            [review.file.subject],
            "performance_review_recorded",
            {"who": _name(review.recorded_by), "when": review.held_on},
        )
    ]


def _review_signed_off(review):
    return [
        (
            policy.holders_of(review.file),
            "performance_review_signed_off",
            {"who": _name(review.file.subject), "when": review.held_on},
        )
    ]


def _delegation_ending(delegation):
    return [([delegation.reviewer], "performance_delegation_ending", {"until": delegation.ends_on})]


def _delegation_ended(delegation):
    """At its end date: the reviewer, and the holder, who has the file back."""
    return [
        *_delegation_ended_early(delegation),
        (
            policy.holders_of(delegation.file),
            "performance_delegation_returned",
            {"who": _name(delegation.reviewer), "whose": _name(delegation.file.subject)},
        ),
    ]


def _delegation_ended_early(delegation):
    """Ended by the holder, who knows: the reviewer only."""
    return [([delegation.reviewer], "performance_delegation_ended", {})]


EVENTS = {
    "observer_named": (Observation, _observer_named),
    "file_delegated": (Delegation, _file_delegated),
    "review_recorded": (ReviewMeeting, _review_recorded),
    "review_signed_off": (ReviewMeeting, _review_signed_off),
    "delegation_ending": (Delegation, _delegation_ending),
    "delegation_ended": (Delegation, _delegation_ended),
    "delegation_ended_early": (Delegation, _delegation_ended_early),
}


def tell(event: str, thing) -> None:
    """Queue the email of ``event`` about ``thing`` once this transaction commits (nothing is
    said of a change that was rolled back)."""
    if event not in EVENTS:
        raise ValueError(f"No such performance event: {event}")
    object_id = str(thing.pk)

    def queue():
        from .tasks import tell_of_performance_step

        tell_of_performance_step.enqueue(event, object_id)

    transaction.on_commit(queue)


def send(event: str, object_id: str) -> int:
    """The task's work: look the object up again and email each person it concerns; how many
    emails were sent. Anyone inactive or without an address is skipped."""
    model, who_hears = EVENTS[event]
    thing = model._base_manager.filter(pk=object_id).first()
    if thing is None:  # gone since (a file removed): nothing to say
        return 0
    sent = 0
    for people, template, facts in who_hears(thing):
        addresses = [person.email for person in people if person.is_active and person.email]
        sent += send_templated(template, addresses, {"link": _link(), **facts})
    return sent


def tell_of_ending_delegations(today=None) -> int:
    """The daily check: a reviewer whose delegation ends within ``NOTICE_DAYS`` hears so once
    (unless it was that short from the start: they were told its end when it began); when it
    has ended by its date, the reviewer and the holder hear so once. Delegations that ended
    more than ``NOTICE_DAYS`` before the last school day are not raked up. Returns how many
    events were queued."""
    today = today or timezone.localdate()
    # Told on school days only, like every reminder the school's clocks send; after a weekend
    # or a holiday the week looked back on starts from the last school day, so an end that fell
    # in the holiday is still told.
    if not school_time.is_working_day(today):
        return 0
    since = school_time.last_school_day_before(today) - timedelta(days=NOTICE_DAYS)
    now = timezone.now()
    queued = 0
    ending = Delegation.objects.running_on(today).filter(
        ends_on__lte=today + timedelta(days=NOTICE_DAYS), ending_told_at__isnull=True
    )
    for delegation in ending:
        if (delegation.ends_on - delegation.starts_on).days <= NOTICE_DAYS:
            continue
        queued += _once(delegation, "ending_told_at", now, "delegation_ending")
    ended = Delegation.objects.filter(
        ends_on__lt=today,
        ends_on__gte=since,
        ended_at__isnull=True,
        end_told_at__isnull=True,
    )
    for delegation in ended:
        queued += _once(delegation, "end_told_at", now, "delegation_ended")
    return queued


def _once(delegation, told_field: str, now, event: str) -> int:
    """Mark it told and queue the email, unless another run of the check got there first."""
    with transaction.atomic():
        marked = Delegation.objects.filter(pk=delegation.pk, **{f"{told_field}__isnull": True})
        if not marked.update(**{told_field: now}):
            return 0
        tell(event, delegation)
    return 1
