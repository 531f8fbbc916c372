"""What waits for a parent or carer: the questions the school asked them and has no answer to,
and the school's replies they have not read yet. Shown first on their home page and at the top
of the portal, each a link to where they answer or read it; nothing is said when nothing waits.

Everything goes through the parent's own door (``access.visible`` with ``AS_PARENT``, which only
a family link grants) and, for questions only a parent with parental responsibility may answer,
``with_parental_responsibility`` (P12, P15, P24): an emergency contact is never asked.
"""

from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.urls import reverse

from confidentiality import access

from .models import DiscussionPermission, MeetingRequest, PhotoConsent, PhotoPurpose, Student
from .policy import AS_PARENT, with_parental_responsibility


@dataclass(frozen=True)
class Waiting:
    label: str
    url: str


def waiting_for_parent(request) -> list[Waiting]:
    """The parent's waiting questions, in the order they are asked to act: permissions to discuss
    a child with a class, photograph consent not yet answered, then replies to read."""
    user = request.user
    children = access.visible(request, Student.objects.all(), AS_PARENT)
    answerable = with_parental_responsibility(children, user)
    waiting = [
        Waiting(
            f"May we discuss {permission.student}'s situation with "
            f"{permission.student.first_name}'s class ({permission.teaching_group})? "
            "Give your answer",
            reverse("portal:discussion", args=[permission.pk]),
        )
        for permission in DiscussionPermission.objects.awaiting_answer()
        .filter(student__in=answerable, used_at__isnull=True)
        .select_related("student", "teaching_group")
        .order_by("created_at")
    ]
    waiting += _photograph_questions(answerable)
    waiting += _unread_replies(user, children)
    return waiting


def _photograph_questions(answerable) -> list[Waiting]:
    """A child whose parents have not answered for every use of photographs: no answer is no
    consent (P15), so the school asks."""
    answered = {}
    for student_id, purpose in PhotoConsent.objects.filter(student__in=answerable).values_list(
        "student_id", "purpose"
    ):
        answered.setdefault(student_id, set()).add(purpose)
    questions = []
    for child in answerable.order_by("last_name", "first_name", "pk"):
        missing = len(PhotoPurpose) - len(answered.get(child.pk, set()))
        if missing:
            questions.append(
                Waiting(
                    f"Photographs of {child}: {missing} use{'s' if missing != 1 else ''} "
                    f"{'are' if missing != 1 else 'is'} waiting for your answer",
                    reverse("portal:photo_consent", args=[child.pk]),
                )
            )
    return questions


def _unread_replies(user, children) -> list[Waiting]:
    """The school's replies to this parent's requests to meet that they have not read: answered
    after they last opened the child's page, where the reply is (the audit trail keeps every
    opening of it)."""
    replies = list(
        MeetingRequest.objects.filter(
            requested_by=user, student__in=children, answered_at__isnull=False
        )
        .select_related("student")
        .order_by("answered_at")
    )
    if not replies:
        return []
    paths = {reverse("portal:child", args=[reply.student_id]) for reply in replies}
    last_read = dict(
        LogEntry.objects.filter(
            actor=user,
            action=LogEntry.Action.ACCESS,
            content_type=ContentType.objects.get_for_model(Student),
            object_pk__in={str(reply.student_id) for reply in replies},
            additional_data__path__in=paths,
        )
        .values("object_pk")
        .annotate(last=Max("timestamp"))
        .values_list("object_pk", "last")
    )
    return [
        Waiting(
            f"The school has replied to your request to meet about {reply.student}: read the reply",
            reverse("portal:child", args=[reply.student_id]) + "#meetings",
        )
        for reply in replies
        if (read := last_read.get(str(reply.student_id))) is None or read < reply.answered_at
    ]
