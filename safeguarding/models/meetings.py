"""Meetings and decisions about a child, for the chronology (P3).

- **meetings**: strategy discussions, initial and review child protection conferences, core
  groups and team-around-the-family meetings, with who attended, what was decided and the next
  date. A meeting is about one child, a blind link (``student_ref``/``student_key``) as every
  safeguarding record, and may name the concern it followed (a plain key to the concern, which
  itself names no child in the clear);
- **decisions not to refer**: the DSL considered a referral and decided against it. Keeping
  Children Safe in Education asks that the reasons be recorded: the reasoning is required.

The kind of meeting, the agency considered and the dates stay plain (statistics); attendees,
discussion, decisions and reasoning are encrypted.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from confidentiality.audit import register_confidential
from confidentiality.crypto.blind_index import AfterFetchQuerySet, BlindLink, BlindRefField
from confidentiality.crypto.fields import EncryptedCharField, EncryptedTextField
from confidentiality.models import ConfidentialModel

from .casework import Referral
from .concerns import Concern


class MeetingQuerySet(AfterFetchQuerySet):
    def about(self, student):
        return self.filter(**CaseMeeting.student.lookup(student))


class CaseMeeting(ConfidentialModel):
    """A multi-agency meeting about a child, as the school's record of it."""

    class Kind(models.TextChoices):
        STRATEGY = "strategy", "Strategy discussion"
        INITIAL_CONFERENCE = "icpc", "Initial child protection conference"
        REVIEW_CONFERENCE = "rcpc", "Review child protection conference"
        CORE_GROUP = "core_group", "Core group meeting"
        TEAM_AROUND_THE_FAMILY = "taf", "Team around the family (TAF) meeting"
        CHILD_IN_NEED = "cin_review", "Child in need review"
        OTHER = "other", "Other multi-agency meeting"

    student_ref = BlindRefField(blank=False)
    student_key = EncryptedCharField("child")
    student = BlindLink("records.Student")
    concern = models.ForeignKey(
        Concern,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name="the concern it followed",
    )
    kind = models.CharField("meeting", max_length=20, choices=Kind.choices)
    held_at = models.DateTimeField("date and time")
    attendees = EncryptedTextField("who attended (name, role, agency)", blank=False)
    discussion = EncryptedTextField("what was discussed")
    decisions = EncryptedTextField("decisions and actions agreed", blank=False)
    next_on = models.DateField("next meeting", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = MeetingQuerySet.as_manager()
    audit_subject_blind = True

    class Meta:
        ordering = ["-held_at"]

    def __str__(self):
        # Also the audit trail's label: the kind and the reference, never the child.
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def reference(self) -> str:
        return "M-" + str(self.pk).split("-")[0].upper()

    def audit_subject(self):
        return CaseMeeting.student.stand_in(self) or self

    def clean(self):
        if self.next_on and self.held_at and self.next_on < timezone.localtime(self.held_at).date():
            raise ValidationError({"next_on": "The next meeting is before this one."})
        named = self.concern_id and CaseMeeting.student.pk_of(self)
        if named and str(named) not in self.concern.student_pks():
            raise ValidationError({"concern": "Choose a concern that names this child."})


class DecisionNotToRefer(ConfidentialModel):
    """The DSL considered referring a concern to an agency and decided not to, and why."""

    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, related_name="decisions_not_to_refer"
    )
    agency = models.CharField("referral considered", max_length=20, choices=Referral.Agency.choices)
    decided_on = models.DateField("date of the decision", default=timezone.localdate)
    reasoning = EncryptedTextField("the reasons for not referring", blank=False)
    consulted = EncryptedTextField("advice taken (e.g. the consultation line), if any")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    audit_subject_blind = True

    class Meta:
        ordering = ["decided_on", "created_at"]

    def __str__(self):
        # Also the audit trail's label: the concern's reference only, never content.
        return f"Decision not to refer on concern {self.concern.reference}"

    def audit_subject(self):
        return self.concern.audit_subject()

    def clean(self):
        if not (self.reasoning or "").strip():
            raise ValidationError({"reasoning": "Record the reasons for not referring."})


register_confidential(CaseMeeting)
register_confidential(DecisionNotToRefer)
