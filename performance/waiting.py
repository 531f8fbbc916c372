"""What is waiting for a person in performance files: observations they were asked to make and
have not submitted (with their date), files delegated to them (with the date it ends) and their
own reviews awaiting their comments and sign-off. The Performance page and the dashboard show
it, in three queries whatever the numbers (each through the door, ``access.visible``)."""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from confidentiality import access

from . import policy
from .models import Delegation, Observation, PerformanceFile, ReviewMeeting


@dataclass
class Waiting:
    observations: list  # drafts to write, soonest first
    files: list  # files delegated to them, each with ``until``
    reviews: list  # their own reviews not yet signed off

    def __bool__(self):
        return bool(self.observations or self.files or self.reviews)

    def __len__(self):
        return len(self.observations) + len(self.files) + len(self.reviews)


def waiting_for(request) -> Waiting:
    observations, files, reviews = waiting_querysets(request)
    return Waiting(observations=list(observations), files=list(files), reviews=list(reviews))


def might_be_waiting(user) -> tuple:
    """The same three lists before the door narrows them, each a superset of its list in
    ``waiting_querysets``: cheap to build, and for most staff all empty. Counted first, never
    shown, so that the door's narrowing (a dozen subqueries of grants and relations) is built
    only for the few people who have something waiting."""
    return (
        _drafts_of(user),
        PerformanceFile.objects.filter(pk__in=_delegations_to(user).values("file")),
        ReviewMeeting.objects.filter(file__subject=user, signed_off_at__isnull=True),
    )


def _drafts_of(user):
    return Observation.objects.filter(observer=user, submitted_at__isnull=True)


def _delegations_to(user):
    return Delegation.objects.running_on(timezone.localdate()).filter(reviewer=user)


def waiting_querysets(request) -> tuple:
    """The three lists of ``waiting_for`` before they are read (the dashboard counts them first
    and reads only those that have anything)."""
    user = request.user
    running = _delegations_to(user)
    files = PerformanceFile.objects.filter(pk__in=running.values("file")).annotate(
        until=Subquery(running.filter(file=OuterRef("pk")).values("ends_on")[:1])
    )
    own = access.visible(request, PerformanceFile.objects.filter(subject=user), policy.COMMENT)
    return (
        access.visible(
            request, _drafts_of(user).select_related("file__subject"), policy.OBSERVATION_RECORD
        ).order_by("planned_for", "created_at"),
        access.visible(request, files.select_related("subject", "cycle"), policy.REVIEW),
        ReviewMeeting.objects.filter(
            file__in=own.values("pk"), signed_off_at__isnull=True
        ).select_related("file__cycle"),
    )
