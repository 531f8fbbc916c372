"""The files sent to a child's next school (P14), and the files received: the child-protection
file (``Transfer``, ``ReceivedTransfer``) and, on its own, the main pupil record
(``RecordTransfer``, ``ReceivedRecord``: the same steps and fields, another permission). Kept
simple for the retention schedule to read (``transfers.retention``):

- ``SchoolKeys``: this school's signing (Ed25519) and encryption (X25519) key pairs. One row
  is current (``retired_at`` empty). Private keys are **encrypted**; public keys are plain (they
  are given away).
- ``PartnerSchool``: another school on this software whose public keys the DSL recorded after
  comparing the fingerprint by another channel. Nothing confidential.
- ``Transfer``: one child's file sent (or being sent) to one school: the sending school's copy
  under retention. **Encrypted**: the sealed file and its readable PDF, and the receipt. The
  child is a **blind link** (a keyed reference and the key sealed to the row, as every
  safeguarding record): that a child has a child-protection file is itself confidential.
  **Plain, on purpose**: which school, the dates of each step and the deadline (the dashboard
  counts overdue transfers in SQL), the hash of the one-time link's token.
  ``prepared_at`` (``created_at``) is when the copy began; ``confirmed_at`` when the other school
  confirmed receipt: retention runs from there.
- ``ReceivedTransfer``: a file imported from another school: **encrypted** its whole content
  (the chronology, the concerns, the attachments, the PDF); the child it was matched to a
  blind link; plain the transfer id (to refuse a replay) and the sending school. Read-only:
  nothing edits it; the chronology shows its entries as "received from <school>".
"""

from datetime import datetime, time

from django.conf import settings
from django.db import models
from django.utils import timezone

from confidentiality.audit import register_confidential
from confidentiality.crypto.blind_index import AfterFetchQuerySet, BlindLink, BlindRefField
from confidentiality.crypto.fields import (
    EncryptedBinaryField,
    EncryptedCharField,
    EncryptedJSONField,
)
from confidentiality.models import ConfidentialModel

from .. import envelope

# The statutory clock (Keeping children safe in education): within five school days of the
# child starting at the new school, or of the start of a new term.
SCHOOL_DAYS_ALLOWED = 5
# The main record: within 15 school days of the child leaving (DfE Common Transfer File rules).
RECORD_SCHOOL_DAYS_ALLOWED = 15


class BlindChildQuerySet(AfterFetchQuerySet):
    """The rows of a model that links its child blind (``student``): found by reference."""

    def about(self, student):
        return self.filter(**self.model.student.lookup(student))

    def with_children(self):
        """The children of a whole list loaded in one query."""
        return self.loading(self.model.student.load)


class SchoolKeys(ConfidentialModel):
    """This school's key pairs. Made the first time they are needed; never shown but the public
    halves and their fingerprint."""

    # The private halves, in base64, encrypted like every confidential value.
    signing_private = EncryptedCharField("private signing key")
    encryption_private = EncryptedCharField("private encryption key")
    # The public halves, in base64 (they are given away).
    signing_key = models.CharField(max_length=64)
    encryption_key = models.CharField(max_length=64)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "this school's transfer keys"
        verbose_name_plural = "this school's transfer keys"

    def __str__(self):
        return f"This school's transfer keys ({self.fingerprint})"

    @classmethod
    def current(cls) -> "SchoolKeys":
        keys = cls.objects.filter(retired_at=None).first()
        if keys is None:
            pairs = envelope.new_key_pairs()
            keys = cls(
                signing_private=envelope.b64(pairs["signing_private"]),
                encryption_private=envelope.b64(pairs["encryption_private"]),
                signing_key=envelope.b64(pairs["signing_public"]),
                encryption_key=envelope.b64(pairs["encryption_public"]),
            )
            keys.save()
        return keys

    @property
    def signing_public(self) -> bytes:
        return envelope.unb64(self.signing_key)

    @property
    def encryption_public(self) -> bytes:
        return envelope.unb64(self.encryption_key)

    @property
    def fingerprint(self) -> str:
        return envelope.fingerprint(self.signing_public, self.encryption_public)

    def identity(self) -> envelope.SchoolIdentity:
        return envelope.SchoolIdentity(
            name=settings.SCHOOL_NAME,
            urn=getattr(settings, "SCHOOL_URN", ""),
            signing_public=self.signing_public,
            encryption_public=self.encryption_public,
            signing_private=envelope.unb64(self.signing_private),
            encryption_private=envelope.unb64(self.encryption_private),
        )


class PartnerSchool(models.Model):
    """A school on this software that files may be sent to and received from: its name, URN and
    public keys, as the DSL recorded them after comparing the fingerprint by phone."""

    name = models.CharField(max_length=200)
    urn = models.CharField("URN", max_length=20, blank=True)
    # Its public keys, in base64.
    signing_key = models.CharField(max_length=64)
    encryption_key = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=60, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} (URN {self.urn})" if self.urn else self.name

    @property
    def signing_public(self) -> bytes:
        return envelope.unb64(self.signing_key)

    @property
    def encryption_public(self) -> bytes:
        return envelope.unb64(self.encryption_key)

    def identity(self) -> envelope.SchoolIdentity:
        return envelope.SchoolIdentity(
            name=self.name,
            urn=self.urn,
            signing_public=self.signing_public,
            encryption_public=self.encryption_public,
        )


class SentFile(ConfidentialModel):
    """What a child's file sent to one school holds, whichever file it is: the receiving school,
    the deadline, each step, the sealed file and its readable copy, the receipt, and the one-time
    link. Tracked until that school confirms receipt; then kept as the sending school's copy."""

    class Status(models.TextChoices):
        PREPARED = "prepared", "Prepared"
        SENT = "sent", "Sent"
        RECEIVED = "received", "Received"
        CONFIRMED = "confirmed", "Receipt confirmed"

    # The envelope's kind (``envelope.KINDS``) and the school days the file has to arrive in.
    kind = ""
    days_allowed = SCHOOL_DAYS_ALLOWED

    school_name = models.CharField("receiving school", max_length=200)
    school_urn = models.CharField("receiving school's URN", max_length=20, blank=True)
    starts_on = models.DateField("the day the child starts at the new school")
    due_at = models.DateTimeField("the file must reach the new school by")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREPARED)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The sealed file as sent (the envelope) and the readable copy; the receipt as received.
    sealed_file = EncryptedBinaryField("sealed file")
    readable_copy = EncryptedBinaryField("readable copy (PDF)")
    receipt = EncryptedBinaryField("receipt", blank=True, default=b"")
    # The one-time download link for a school on other software: only the token's hash is kept.
    link_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)
    link_used_at = models.DateTimeField(null=True, blank=True)
    link_wrong_passphrases = models.PositiveSmallIntegerField(default=0)

    permissions_from = "student"

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        default_permissions = ()

    def audit_subject(self):
        return self.student

    @property
    def by_passphrase(self) -> bool:
        return self.partner_id is None

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.CONFIRMED

    def is_overdue(self, now=None) -> bool:
        """Not yet confirmed as received, and past its deadline."""
        return not self.received_at and (now or timezone.now()) > self.due_at

    @classmethod
    def deadline_for(cls, starts_on) -> datetime:
        """The end of the ``days_allowed``-th school day after ``starts_on`` (the school
        calendar's days: weekends, holidays and closures do not count)."""
        from safeguarding.school_time import add_working_days

        start = timezone.make_aware(datetime.combine(starts_on, time(0, 0)))
        return add_working_days(start, cls.days_allowed)


class Transfer(SentFile):
    """One child's child-protection file, prepared for one school (P14). Opened by whoever may
    open the child's child-protection file (``policy.CHILD``)."""

    kind = envelope.CHILD_PROTECTION_FILE

    # The child, as a blind link (``student_ref`` to find a child's transfers, ``student_key``
    # sealed to the row): a plain key would tell a copy of the database which children have a
    # child-protection file, and un-blind the audit entries about them.
    student_ref = BlindRefField(blank=False)
    student_key = EncryptedCharField("child")
    student = BlindLink("records.Student")
    # A school on this software; empty for one on other software (the passphrase and the link).
    partner = models.ForeignKey(
        PartnerSchool, on_delete=models.PROTECT, null=True, blank=True, related_name="transfers"
    )

    objects = BlindChildQuerySet.as_manager()
    audit_subject_blind = True

    class Meta(SentFile.Meta):
        pass

    def __str__(self):
        # Also the audit trail's label: never the child's name.
        return f"Child-protection file transfer to {self.school_name}"

    def audit_subject(self):
        return Transfer.student.stand_in(self) or self


class RecordTransfer(SentFile):
    """One child's main pupil record, prepared for one school: a file of its own, never holding
    the child-protection file nor saying that there is one. Opened by whoever may open the
    child's record (``policy.RECORD``). The law allows 15 school days from the child leaving
    (the Education (Pupil Information) (England) Regulations 2005, regulation 9)."""

    kind = envelope.PUPIL_RECORD
    days_allowed = RECORD_SCHOOL_DAYS_ALLOWED

    student = models.ForeignKey(
        "records.Student", on_delete=models.PROTECT, related_name="record_transfers"
    )
    partner = models.ForeignKey(
        PartnerSchool,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="record_transfers",
    )
    starts_on = models.DateField("the day the child left this school")

    class Meta(SentFile.Meta):
        pass

    def __str__(self):
        return f"Pupil record transfer to {self.school_name}"


class ReceivedTransfer(ConfidentialModel):
    """A child-protection file imported from another school: read-only."""

    transfer_id = models.UUIDField(unique=True)
    # The child, a blind link as on ``Transfer``.
    student_ref = BlindRefField(blank=False)
    student_key = EncryptedCharField("child")
    student = BlindLink("records.Student")
    from_school = models.CharField(max_length=200)
    from_urn = models.CharField(max_length=20, blank=True)
    sender_fingerprint = models.CharField(max_length=60)
    format_version = models.PositiveSmallIntegerField()
    content = EncryptedJSONField("what the file holds")
    # The signed receipt (JSON): ids, times and fingerprints only, nothing about the child.
    receipt = models.TextField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    permissions_from = "student"
    objects = BlindChildQuerySet.as_manager()
    audit_subject_blind = True

    class Meta:
        ordering = ["-created_at"]
        default_permissions = ()

    def __str__(self):
        return f"Child-protection file received from {self.from_school}"

    def audit_subject(self):
        return ReceivedTransfer.student.stand_in(self) or self


class ReceivedRecord(ConfidentialModel):
    """A pupil record imported from another school: **encrypted** its whole content, as it came;
    plain the transfer id (to refuse a replay), the sending school and the child. What it held
    was landed in the child's record (sections, grades, progress notes, contacts) marked as
    received from that school; this keeps the file itself (the work summaries and consents, which
    the record does not take over, included)."""

    transfer_id = models.UUIDField(unique=True)
    student = models.ForeignKey(
        "records.Student", on_delete=models.PROTECT, related_name="received_records"
    )
    from_school = models.CharField(max_length=200)
    from_urn = models.CharField(max_length=20, blank=True)
    sender_fingerprint = models.CharField(max_length=60)
    format_version = models.PositiveSmallIntegerField()
    content = EncryptedJSONField("what the file holds")
    receipt = models.TextField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    permissions_from = "student"

    class Meta:
        ordering = ["-created_at"]
        default_permissions = ()

    def __str__(self):
        return f"Pupil record received from {self.from_school}"

    def audit_subject(self):
        return self.student


register_confidential(SchoolKeys)
# The files' bytes are not text: their changes are logged by the step fields beside them.
register_confidential(Transfer, exclude_fields=["sealed_file", "readable_copy", "receipt"])
register_confidential(ReceivedTransfer)
register_confidential(RecordTransfer, exclude_fields=["sealed_file", "readable_copy", "receipt"])
register_confidential(ReceivedRecord)
register_confidential(PartnerSchool)
