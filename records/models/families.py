"""Families: who a child's parents and carers are, the messages the school sends them and the
meetings they ask for (P7, P12)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from confidentiality.audit import register_confidential
from confidentiality.crypto.fields import EncryptedCharField, EncryptedTextField
from confidentiality.models import ConfidentialModel

from .people import Student


class ParentLinkQuerySet(models.QuerySet):
    def with_responsibility(self):
        return self.filter(parental_responsibility=True)


class ParentLink(ConfidentialModel):
    """A parent or carer's account linked to one child. The link alone decides what the parent
    sees: their own child in the portal, never another (P12, P13). Consent decisions (photographs,
    discussing a case with the class) are for those with parental responsibility."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        STEP_PARENT = "step_parent", "Step-parent"
        GRANDPARENT = "grandparent", "Grandparent"
        FOSTER_CARER = "foster_carer", "Foster carer"
        CARER = "carer", "Carer"
        OTHER = "other", "Other"

    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="children_links"
    )
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="parent_links")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    parental_responsibility = models.BooleanField(
        default=True,
        help_text="Only people with parental responsibility may give or withdraw consent.",
    )
    contact_priority = models.PositiveSmallIntegerField(
        default=1, help_text="1 is called first in an emergency."
    )

    objects = ParentLinkQuerySet.as_manager()
    permissions_from = "student"

    class Meta:
        ordering = ["student", "contact_priority"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "student"], name="one_link_per_parent_child")
        ]

    def __str__(self):
        return f"{self.parent.get_full_name() or self.parent} ({self.get_relationship_display()})"

    def audit_subject(self):
        return self.student

    @classmethod
    def has_responsibility(cls, user, student) -> bool:
        """True if ``user`` holds parental responsibility for ``student`` (P15, P24)."""
        return cls.objects.with_responsibility().filter(parent=user, student=student).exists()

    def end(self, *, by, reason: str) -> "EndedParentLink":
        """The school ends this link (a court order, a mistake in the MIS, an adult who is no
        longer a carer): the parent or carer loses the child's portal at once, because the
        grants are re-derived when the link goes (``records.grants``). What was ended, by whom
        and why is kept, the reason encrypted (it often describes the family's circumstances)."""
        reason = (reason or "").strip()
        if len(reason) < 10:
            raise ValidationError("Say why the link is ended (at least a sentence).")
        ended = EndedParentLink(
            student=self.student,
            parent=self.parent,
            relationship=self.relationship,
            had_responsibility=self.parental_responsibility,
            reason=reason,
            ended_by=by,
        )
        ended.save()
        self.delete()
        return ended


class EndedParentLink(ConfidentialModel):
    """A parent or carer's link to a child that the office or the safeguarding team ended, with
    who did it and why (P12, P13). The DSL is told that a link was ended; the reason is
    encrypted and read on the child's page by those who may end links."""

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="ended_parent_links"
    )
    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    relationship = models.CharField(max_length=20, choices=ParentLink.Relationship.choices)
    had_responsibility = models.BooleanField()
    reason = EncryptedTextField("why the link was ended")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    permissions_from = "student"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        # Named in the audit trail: who it was and why stay in the record (P6).
        return f"A family link of {self.student} ended"

    def audit_subject(self):
        return self.student


class FamilyNoticeQuerySet(models.QuerySet):
    def information_shared(self):
        """The P2 notices: "we have shared information about your child" with another agency."""
        return self.filter(kind=FamilyNotice.Kind.INFORMATION_SHARED)

    def for_staff(self, student_permissions):
        """What a member of staff sees on the child's page. A P2 notice says that the
        safeguarding team shared information with another agency, which is itself confidential:
        only those who may read the child's social-services detail see it."""
        if "records.view_social_services" in student_permissions:
            return self
        return self.exclude(kind=FamilyNotice.Kind.INFORMATION_SHARED)

    def for_parent(self, user, student):
        """What this parent or carer reads in the portal. A P2 notice goes only to those with
        parental responsibility: an emergency contact may be the very adult the school is
        worried about, and must not learn that a referral was made. Those notices were for the
        people who held responsibility when they were sent: an adult linked later (by the MIS
        import, say) does not read earlier ones, and a new carer is not told about themselves."""
        link = ParentLink.objects.filter(parent=user, student=student).first()
        if link is None:
            return self.none()
        if not link.parental_responsibility:
            return self.exclude(kind__in=FamilyNotice.RESPONSIBILITY_ONLY)
        return self.exclude(
            kind__in=FamilyNotice.RESPONSIBILITY_ONLY, created_at__lte=link.created_at
        )


class FamilyNotice(ConfidentialModel):
    """A message from the school to a child's parents and carers, read in the portal (P12).

    A notice that confidentiality was broken (P2: information shared with another agency) is
    marked as such and shown only to the safeguarding team and those with parental
    responsibility (see ``FamilyNoticeQuerySet``)."""

    class Kind(models.TextChoices):
        MESSAGE = "message", "Message from the school"
        INFORMATION_SHARED = "information_shared", "Information shared with another agency (P2)"
        CARER_LINKED = "carer_linked", "A new parent or carer was linked"

    # Read in the portal only by those with parental responsibility.
    RESPONSIBILITY_ONLY = (Kind.INFORMATION_SHARED, Kind.CARER_LINKED)

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MESSAGE)
    title = EncryptedCharField("title")
    body = EncryptedTextField("message")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = FamilyNoticeQuerySet.as_manager()
    permissions_from = "student"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Message to the family of {self.student}"

    def audit_subject(self):
        return self.student


class MeetingRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=MeetingRequest.Status.OPEN)


class MeetingRequest(ConfidentialModel):
    """A parent asks to meet about their child (P7). Staff who teach the child and the
    safeguarding team see it and answer: arranged (with when and where) or declined (with why);
    the parent reads the reply in the portal. What the parent wrote is encrypted (P6)."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a reply"
        ARRANGED = "arranged", "Meeting arranged"
        DECLINED = "declined", "Declined"

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="meeting_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    topic = EncryptedCharField("what it is about")
    preferred_times = EncryptedCharField(
        "times that suit you", help_text="For example: “Tuesday or Thursday after 3.15pm”."
    )
    details = EncryptedTextField(
        "anything else you would like us to know",
        help_text="Optional. Only the child's teachers and the safeguarding team read this.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reply = EncryptedTextField("reply to the parent")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = MeetingRequestQuerySet.as_manager()
    permissions_from = "student"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Meeting request about {self.student}"

    def audit_subject(self):
        return self.student

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def answer(self, *, by, status: str, reply: str) -> None:
        """Arrange or decline the meeting, with a reply the parent reads in the portal (P7)."""
        if status not in {self.Status.ARRANGED, self.Status.DECLINED}:
            raise ValidationError("Choose whether the meeting is arranged or declined.")
        if not reply.strip():
            raise ValidationError("Write a reply for the parent: when and where, or why not.")
        self.status = status
        self.reply = reply.strip()
        self.answered_by = by
        self.answered_at = timezone.now()
        self.save()


register_confidential(ParentLink)
register_confidential(EndedParentLink)
register_confidential(FamilyNotice)
register_confidential(MeetingRequest)
