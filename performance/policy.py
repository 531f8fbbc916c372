"""Who may do what with a staff performance file (P18), in one place.

A performance file is confidential to the head teacher and the member of staff it is about.
Nothing here comes from a role's model permissions: no group is given any permission on these
models, so the safeguarding team, governors and the IT administrator (a superuser) hold nothing
by their role. Every right is a **relation**, decided at the moment of asking
(``relational_permissions`` on the models, read by the door in ``confidentiality.access``):

- the **member of staff** the file is about reads it, comments on their reviews and signs them
  off, and sees their own pay recommendation;
- the **holder** reads and manages it: the head teacher, except for the head's own file, which
  the chair of governors holds instead;
- a **reviewer** the holder delegated the file to (a line manager) reads it and does a
  reviewer's work (objectives, progress, review meetings, observations, performance data) from
  the first to the last day of the delegation, never the pay recommendation or a further
  delegation; the day after it ends the file is closed to them, with nothing to remove;
- an **observer** the holder or reviewer named opens and fills in their own observation record
  while it is a draft, and nothing else of the file; once they submit it, it is closed to them.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from confidentiality.roles import SCHOOL_STAFF, Role

APP = "performance"
# The file (``PerformanceFile``).
READ_FILE = "read_file"
REVIEW_FILE = "review_file"  # holder and reviewer: objectives, progress, reviews, observations
MANAGE_FILE = "manage_file"  # holder only: pay recommendation, delegation
COMMENT_ON_FILE = "comment_on_file"  # the member of staff: comments and sign-off
READ_PAY = "read_pay_recommendation"  # the member of staff and the holder, never a reviewer
# An observation (``Observation``).
READ_OBSERVATION = "read_observation"
RECORD_OBSERVATION = "record_observation"  # the observer, while it is a draft

READ = f"{APP}.{READ_FILE}"
REVIEW = f"{APP}.{REVIEW_FILE}"
MANAGE = f"{APP}.{MANAGE_FILE}"
COMMENT = f"{APP}.{COMMENT_ON_FILE}"
PAY = f"{APP}.{READ_PAY}"
OBSERVATION_READ = f"{APP}.{READ_OBSERVATION}"
OBSERVATION_RECORD = f"{APP}.{RECORD_OBSERVATION}"

NOTHING = Q(pk__in=[])


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _heads():
    return get_user_model().objects.with_roles(Role.HEAD_TEACHER).values("pk")


def staff():
    """The school staff who have a performance file: teachers, teaching assistants, office
    staff, the DSL and deputies, and the head teacher."""
    return get_user_model().objects.with_roles(*SCHOOL_STAFF)


def held_staff(user):
    """The members of staff whose files ``user`` holds: for the head teacher every member of
    staff but the head; for the chair of governors the head teacher; for anyone else no one."""
    people = staff()
    if not _active(user):
        return people.none()
    condition = NOTHING
    if user.has_role(Role.HEAD_TEACHER):
        condition |= ~Q(pk__in=_heads())
    if user.has_role(Role.CHAIR_OF_GOVERNORS):
        condition |= Q(pk__in=_heads())
    return people.filter(condition).exclude(pk=user.pk)


def holder_of_files(user) -> Q:
    """The files ``user`` holds (over ``PerformanceFile``): the head teacher holds everyone's
    but their own; the chair of governors holds the head teacher's."""
    condition = NOTHING
    if user.has_role(Role.HEAD_TEACHER):
        condition |= ~Q(subject__in=_heads())
    if user.has_role(Role.CHAIR_OF_GOVERNORS):
        condition |= Q(subject__in=_heads())
    return condition & ~Q(subject=user)


def holders_of(file) -> list:
    """Who holds ``file``, by name (told when the member of staff signs off a review, or when a
    delegation ends): the head teacher, or the chair of governors for the head's own file."""
    from confidentiality import roles

    role = Role.CHAIR_OF_GOVERNORS if file.holder_is_chair() else Role.HEAD_TEACHER
    return [person for person in roles.holders(role) if person.pk != file.subject_id]


def reviewer_of_files(user, today=None) -> Q:
    """The files delegated to ``user`` today (first and last day included, not ended early)."""
    from .models import Delegation

    running = Delegation.objects.running_on(today or timezone.localdate()).filter(reviewer=user)
    return Q(pk__in=running.values("file"))


def file_relations(user) -> dict:
    """``{codename: Q}`` over ``PerformanceFile`` (``relational_permissions``)."""
    subject = Q(subject=user)
    holder = holder_of_files(user)
    reviewer = reviewer_of_files(user)
    return {
        READ_FILE: subject | holder | reviewer,
        REVIEW_FILE: holder | reviewer,
        MANAGE_FILE: holder,
        COMMENT_ON_FILE: subject,
        READ_PAY: subject | holder,
    }


def observation_relations(user) -> dict:
    """``{codename: Q}`` over ``Observation``: the file's holder and reviewer read every
    observation, the member of staff each one submitted, the observer only their own draft."""
    from .models import PerformanceFile

    reviewing = PerformanceFile._base_manager.filter(
        holder_of_files(user) | reviewer_of_files(user)
    ).values("pk")
    own_draft = Q(observer=user, submitted_at__isnull=True) & ~Q(
        pk__in=_arranged_by_past_reviewers()
    )
    return {
        READ_OBSERVATION: Q(file__in=reviewing)
        | Q(file__subject=user, submitted_at__isnull=False)
        | own_draft,
        RECORD_OBSERVATION: own_draft,
    }


def _arranged_by_past_reviewers():
    """Observations arranged by a reviewer whose delegation of the file is no longer running:
    closed to their observer with the delegation (a reviewer who named themselves observer
    would otherwise keep a way into the file after it ended). Those the holder arranged stay
    open to their observer until submitted."""
    from .models import Delegation, Observation

    by_reviewer = Delegation.objects.filter(file=OuterRef("file"), reviewer=OuterRef("named_by"))
    running = by_reviewer.running_on(timezone.localdate())
    return (
        Observation._base_manager.annotate(was=Exists(by_reviewer), runs=Exists(running))
        .filter(was=True, runs=False)
        .values("pk")
    )


# --- rules of the door (who may reach the pages at all; the objects decide the rest) --------


def may_use_performance(user) -> bool:
    """School staff (their own file; reviewers and observers) and the chair of governors (the
    head teacher's file)."""
    return _active(user) and (user.is_school_staff or user.has_role(Role.CHAIR_OF_GOVERNORS))


def may_see_overview(user) -> bool:
    """The holders: the head teacher, and the chair of governors for the head's own file."""
    return _active(user) and user.has_role(Role.HEAD_TEACHER, Role.CHAIR_OF_GOVERNORS)


def may_set_cycle_dates(user) -> bool:
    """The head teacher sets when each step of the school's review cycle is due."""
    return _active(user) and user.has_role(Role.HEAD_TEACHER)
