"""A subject-access request (P4): who asked for which child's file, when, by when it must be
answered, and the case file the safeguarding team assembles and redacts for the answer.

**Encrypted**: everything a person typed or that comes from the child's file: the requester's
name, what they asked for, how their identity was checked, the reason for an extension, and the
whole case file (``case_file``: every item's text, whether it is sent or withheld and under
which exemption, and every redaction mark). Holding the file in one encrypted value means a copy
of the database cannot even count a child's concerns from it.

**Plain, on purpose**: which child, the kind of requester (parent or the child), the dates
(received, due, sent, closed), the number of months of an extension, the status and who handled
it: the dashboard finds requests near their deadline in SQL, and retention counts from
``closed_on`` (a closed request is kept for as long as the school's retention schedule says,
then purged with its case file: see ``retention/``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from confidentiality.audit import register_confidential
from confidentiality.crypto.fields import (
    EncryptedCharField,
    EncryptedJSONField,
    EncryptedTextField,
)
from confidentiality.models import ConfidentialModel
from records.models import Student

from .. import policy
from ..deadlines import due_on


class SubjectAccessRequestQuerySet(models.QuerySet):
    def open(self):
        """Not yet answered: received, being assembled or ready to send."""
        return self.exclude(status__in=SubjectAccessRequest.ANSWERED)

    def due_by(self, day):
        """Open requests whose deadline is on or before ``day`` (overdue included)."""
        return self.open().filter(due_on__lte=day)


class SubjectAccessRequest(ConfidentialModel):
    class Relation(models.TextChoices):
        PARENT = "parent", "Parent or carer with parental responsibility"
        CHILD = "child", "The child themselves"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        ASSEMBLING = "assembling", "Being assembled"
        READY = "ready", "Ready to send"
        SENT = "sent", "Sent"
        CLOSED = "closed", "Closed"

    # Statuses after which the month no longer runs.
    ANSWERED = (Status.SENT, Status.CLOSED)
    # What may follow each status (the buttons on the request's page).
    NEXT = {
        Status.RECEIVED: (Status.ASSEMBLING, Status.CLOSED),
        Status.ASSEMBLING: (Status.READY, Status.CLOSED),
        Status.READY: (Status.ASSEMBLING, Status.SENT),
        Status.SENT: (Status.CLOSED,),
        Status.CLOSED: (),
    }

    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    requester_name = EncryptedCharField("name of the person asking", blank=False)
    relation = models.CharField("who is asking", max_length=10, choices=Relation.choices)
    received_on = models.DateField("date received")
    what_was_asked = EncryptedTextField("what they asked for")
    identity_checked = models.BooleanField("identity checked", default=False)
    identity_how = EncryptedTextField("how their identity was checked")
    due_on = models.DateField("deadline", editable=False)
    extended_months = models.PositiveSmallIntegerField("months of extension", default=0)
    extension_reason = EncryptedTextField("reason for the extension")
    extended_at = models.DateTimeField(null=True, editable=False)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="subject_access_cases"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_on = models.DateField("date sent", null=True)
    closed_on = models.DateField("date closed", null=True)
    # {"gathered_at": ISO time, "items": [item, ...], "everywhere": [mark, ...]}; an item is
    # {"key", "part", "heading", "text", "included", "exemption", "exemption_note", "marks"}
    # (``subject_access.case_file``).
    case_file = EncryptedJSONField("case file", default=dict)

    objects = SubjectAccessRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "received_on"]
        default_permissions = ()
        permissions = [(policy.HANDLE_REQUEST, "Handle a subject-access request")]

    def __str__(self):
        # Also the audit log's label, kept for ever (even after the request is deleted under
        # the retention schedule): when it was received, never the child's name nor content.
        # The trail says whom it is about from the entry's subject, the child.
        return f"Subject-access request received {self.received_on:%-d %b %Y}"

    @classmethod
    def relational_permissions(cls, user) -> dict:
        return policy.request_relations(user)

    def audit_subject(self):
        return self.student

    def save(self, *args, **kwargs):
        self.due_on = due_on(self.received_on, self.extended_months)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "due_on", "updated_at"}
        super().save(*args, **kwargs)

    @property
    def first_due_on(self):
        """The deadline of the first month, before any extension."""
        return due_on(self.received_on)

    @property
    def is_open(self) -> bool:
        return self.status not in self.ANSWERED

    def days_left(self, today=None) -> int:
        return (self.due_on - (today or timezone.localdate())).days

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.days_left(today) < 0

    @property
    def may_change_file(self) -> bool:
        """Items and marks change while the file is assembled; once ready (or sent) it stays as
        it was previewed: send it back to assembling to change it."""
        return self.status in (self.Status.RECEIVED, self.Status.ASSEMBLING)

    @property
    def may_export(self) -> bool:
        return self.status in (self.Status.READY, self.Status.SENT, self.Status.CLOSED)

    @property
    def next_statuses(self):
        return [self.Status(s) for s in self.NEXT[self.Status(self.status)]]


register_confidential(SubjectAccessRequest)
