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

    def of_own_parent_accounts(self, person):
        """The links of ``person``'s own parent accounts: a member of staff never signs in as a
        parent (imports refuse it), so the office worker who is a mother has a *separate* parent
        account. It is hers when it reaches her mailbox (``confidentiality.identity``: case,
        ``+tag`` and look-alikes ignored) or bears her first and last name. Whatever she may do
        to children, she does not do to these (P10, P13): another member of staff or the DSL
        does."""
        from confidentiality.identity import mailbox, mailbox_skeleton

        if person is None or getattr(person, "pk", None) is None:
            return self.none()
        first = (person.first_name or "").strip()
        last = (person.last_name or "").strip()
        own = mailbox_skeleton(person.email) if person.email else ""
        near = models.Q(parent=person)
        if first and last:
            near |= models.Q(parent__first_name__iexact=first, parent__last_name__iexact=last)
        if own:
            # The database narrows by domain; the look-alike comparison is made here.
            near |= models.Q(
                parent__email__iendswith="@" + mailbox(person.email).rpartition("@")[2]
            )
        parents = set()
        for pk, email, first_name, last_name in (
            self.filter(near).values_list(
                "parent", "parent__email", "parent__first_name", "parent__last_name"
            )
        ).distinct():
            named = bool(first and last) and (
                (first_name or "").strip().casefold(),
                (last_name or "").strip().casefold(),
            ) == (first.casefold(), last.casefold())
            mailed = bool(own and email) and mailbox_skeleton(email) == own
            if pk == person.pk or named or mailed:
                parents.add(pk)
        return self.filter(parent__in=parents)

    def is_own_child(self, person, student) -> bool:
        """True when ``student`` is a child of one of ``person``'s own parent accounts."""
        students = student if isinstance(student, list | tuple | set) else [student]
        return self.of_own_parent_accounts(person).filter(student__in=students).exists()


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
    # When this adult gained parental responsibility for this child (set on save): notices for
    # those with responsibility sent before it are not theirs (``responsibility_since``).
    responsibility_from = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ParentLinkQuerySet.as_manager()
    permissions_from = "student"

    class Meta:
        ordering = ["student", "contact_priority"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "student"], name="one_link_per_parent_child")
        ]

    def __str__(self):
        return f"{self.parent.get_full_name() or self.parent} ({self.get_relationship_display()})"

    def save(self, *args, **kwargs):
        """Keep ``responsibility_from``: set when the link is saved with responsibility it did
        not have (created so, or given it later by the import or a page), cleared without."""
        before = self.responsibility_from
        if not self.parental_responsibility:
            self.responsibility_from = None
        elif self.responsibility_from is None:
            self.responsibility_from = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and self.responsibility_from != before:
            kwargs["update_fields"] = {*update_fields, "responsibility_from"}
        super().save(*args, **kwargs)

    def responsibility_since(self):
        """When this adult gained parental responsibility for this child, or None without it:
        the link's creation when it had it from the start, or the later change that gave it
        (the import, say). For a link older than this record, its last change: never earlier
        than the truth. So a notice sent before this adult held responsibility is never theirs
        (P2): the one rule for every notice "for those with responsibility"."""
        if not self.parental_responsibility:
            return None
        return self.responsibility_from or self.updated_at or self.created_at

    @classmethod
    def has_responsibility(cls, user, student) -> bool:
        """True if ``user`` holds parental responsibility for ``student`` (P15, P24)."""
        return cls.objects.with_responsibility().filter(parent=user, student=student).exists()

    def end(self, *, by, reason: str) -> "EndedParentLink":
        """The school ends this link (a court order, a mistake in the MIS, an adult who is no
        longer a carer): the parent or carer loses the child's portal at once, because the
        grants are re-derived when the link goes (``records.grants``). What was ended, by whom
        and why is kept, the reason encrypted (it often describes the family's circumstances)."""
        if ParentLink.objects.is_own_child(by, self.student):
            # A separated parent on the office staff must not end the other parent's link (P10).
            raise ValidationError(
                "This child is linked to your own parent account: another member of staff or the "
                "DSL must end this link.",
                code="own_child",
            )
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


class EndedParentLinkQuerySet(models.QuerySet):
    def between(self, parent, student):
        """The ended links of this adult and this child not restored, most recent first: while
        there is one, no import re-creates the link; only the DSL restores it (P12, P13)."""
        return self.standing(student).filter(parent=parent)

    def standing(self, student):
        """The ended links of this child not restored, whoever's account they were: while there
        is one, a new adult is linked to the child only by the DSL. Matching by account alone
        would let the same adult come back under a new email address (P12, P13)."""
        return self.filter(student=student, restored_at__isnull=True).order_by("-created_at")


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
    # The DSL's deliberate decision to give the link back (``restore``), with why.
    restored_at = models.DateTimeField(null=True, blank=True)
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    restore_reason = EncryptedTextField("why the link was restored")

    objects = EndedParentLinkQuerySet.as_manager()
    permissions_from = "student"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        # Named in the audit trail: who it was and why stay in the record (P6).
        return f"A family link of {self.student} ended"

    @property
    def is_restored(self) -> bool:
        return self.restored_at is not None

    def check_restorer(self, by) -> None:
        """Only the DSL, signed in with a verified second factor, gives back a link the school
        ended (it may have been a court order), and never for a child of their own parent
        account (P10, P12, P13)."""
        from records.policy import may_restore_parent_links

        verified = getattr(by, "is_verified", None)
        if by is None or not by.is_active or not may_restore_parent_links(by):
            raise ValidationError("Only the DSL can restore a link the school ended.")
        if not (callable(verified) and verified()):
            raise ValidationError("Restoring a link needs a verified two-factor sign-in.")
        if ParentLink.objects.is_own_child(by, self.student):
            raise ValidationError(
                "This child is linked to your own parent account: you cannot restore this link."
            )
        if self.is_restored:
            raise ValidationError("This link has already been restored.")
        if self.parent is None:
            raise ValidationError("The account of this link has been deleted.")

    def mark_restored(self, *, by, reason: str) -> None:
        """Record that the DSL gave this link back, with why (encrypted): every ended link of
        this adult and this child is settled by the decision."""
        reason = (reason or "").strip()
        if len(reason) < 10:
            raise ValidationError("Say why the link is restored (at least a sentence).")
        self.check_restorer(by)
        now = timezone.now()
        for ended in EndedParentLink.objects.between(self.parent, self.student):
            ended.restored_at, ended.restored_by, ended.restore_reason = now, by, reason
            ended.save()


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

    def for_parent(self, user, student, link=None):
        """What this parent or carer reads in the portal. A P2 notice goes only to those with
        parental responsibility: an emergency contact may be the very adult the school is
        worried about, and must not learn that a referral was made. Those notices were for the
        people who held responsibility when they were sent: an adult linked later (by the MIS
        import, say) does not read earlier ones, and a new carer is not told about themselves.
        ``link``: their link to the child, when the page has read it already."""
        if link is None:
            link = ParentLink.objects.filter(parent=user, student=student).first()
        if link is None:
            return self.none()
        since = link.responsibility_since()
        if since is None:
            return self.exclude(kind__in=FamilyNotice.RESPONSIBILITY_ONLY)
        return self.exclude(kind__in=FamilyNotice.RESPONSIBILITY_ONLY, created_at__lte=since)


class FamilyNotice(ConfidentialModel):
    """A message from the school to a child's parents and carers, read in the portal (P12).

    A notice that confidentiality was broken (P2: information shared with another agency) is
    marked as such and shown only to the safeguarding team and those with parental
    responsibility (see ``FamilyNoticeQuerySet``)."""

    class Kind(models.TextChoices):
        MESSAGE = "message", "Message from the school"
        INFORMATION_SHARED = "information_shared", "Information shared with another agency"
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
