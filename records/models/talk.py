"""A pupil's request to talk (P7): students are welcome to discuss their concerns, and a member of
staff who hears "can I talk to someone?" records it so that it is not forgotten.

Who reads a request: the member of staff who recorded it, the person the child asked for, and the
safeguarding team (per-object grants, given when the request is recorded; role-wide for the team).
What the child wants to talk about is encrypted (P6) and optional: a child is never pressed to say
why (P20).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from guardian.shortcuts import assign_perm

from confidentiality.audit import register_confidential
from confidentiality.crypto.fields import EncryptedTextField
from confidentiality.models import ConfidentialModel

from .people import Student

# What the recorder and the chosen member of staff hold on one request: read it, and mark it done.
TALK_REQUEST_GRANTS = ("records.view_talkrequest", "records.change_talkrequest")


class TalkRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=TalkRequest.Status.OPEN)

    def for_person(self, user):
        """The requests that wait on ``user``: those in which the child asked for them by name,
        and those in which the child asked for anyone, which wait on the child's class
        teachers and the safeguarding team (``anyone_for``) so that no child is forgotten."""
        return self.filter(models.Q(wants_to_talk_to=user) | anyone_for(user))


def anyone_for(user) -> models.Q:
    """The requests to talk to anyone that ``user`` is one of the people for: the safeguarding
    team (every child's), and a class teacher (the children in their classes). A condition on
    requests, read by the door (``TalkRequest.relational_permissions``) and the dashboard alike,
    so the dashboard never names a request its reader may not open."""
    from confidentiality.roles import Role

    anyone = models.Q(wants_to_talk_to__isnull=True)
    if not (user.is_authenticated and user.is_school_staff):
        return models.Q(pk__in=[])
    if user.is_safeguarding_team:
        return anyone
    if user.has_role(Role.TEACHER):
        return anyone & models.Q(
            student__in=Student.objects.filter(teaching_groups__staff=user).values("pk")
        )
    return models.Q(pk__in=[])


class TalkRequest(ConfidentialModel):
    """A child has asked to talk — to a named member of staff or to "someone" (P7).

    Recorded by the member of staff the child told; the named person is told by email that a pupil
    would like to talk to them (who recorded it and when, never the child or the subject) and sees
    it on their dashboard. It is closed with a short note of what was done.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Waiting to talk"
        DONE = "done", "Done"

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="talk_requests")
    wants_to_talk_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="talk_requests_for_me",
        verbose_name="who the child would like to talk to",
    )
    about = EncryptedTextField("what the child would like to talk about")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = EncryptedTextField("what was done")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = TalkRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Request to talk from {self.student}"

    def audit_subject(self):
        return self.student

    @classmethod
    def relational_permissions(cls, user) -> dict:
        """A child who asks to talk to anyone is waiting for the class teacher as much as for
        the safeguarding team: the child's class teachers read such a request and mark it done,
        decided when asked (a teacher who leaves the class no longer does). The team holds
        both role-wide; a named request is opened by object grants (``record``)."""
        from confidentiality.roles import Role

        if not (user.is_authenticated and user.is_school_staff and user.has_role(Role.TEACHER)):
            return {}  # the safeguarding team holds both role-wide
        condition = anyone_for(user)
        return {"view_talkrequest": condition, "change_talkrequest": condition}

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def person_asked_for(self) -> str:
        return str(self.wants_to_talk_to) if self.wants_to_talk_to else "anyone"

    @classmethod
    @transaction.atomic
    def record(cls, *, student, by, wants_to_talk_to=None, about: str = "") -> "TalkRequest":
        """Record that ``student`` asked to talk, and let the recorder and the person the child
        asked for read it (the safeguarding team reads every request, role-wide)."""
        request = cls(
            student=student,
            wants_to_talk_to=wants_to_talk_to,
            about=(about or "").strip(),
            recorded_by=by,
        )
        request.save()
        for person in {p for p in (by, wants_to_talk_to) if p is not None}:
            for perm in TALK_REQUEST_GRANTS:
                assign_perm(perm, person, request)
        return request

    def close(self, *, by, outcome: str) -> None:
        """Mark the request done, with a note of what happened (kept encrypted)."""
        if not self.is_open:
            raise ValidationError("This request has already been marked as done.")
        if not (outcome or "").strip():
            raise ValidationError(
                {"outcome": "Say briefly what was done, e.g. “We talked at break.”"}
            )
        self.status = self.Status.DONE
        self.outcome = outcome.strip()
        self.closed_by = by
        self.closed_at = timezone.now()
        self.save()


class TalkRequestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(TalkRequest, on_delete=models.CASCADE)


class TalkRequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(TalkRequest, on_delete=models.CASCADE)


register_confidential(TalkRequest)
