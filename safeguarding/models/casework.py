"""The safeguarding team's work on a concern: notes, actions and referrals (P3).

None of this is shown to the member of staff who raised the concern: they see its status only.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from confidentiality.audit import register_confidential
from confidentiality.crypto.fields import EncryptedCharField, EncryptedTextField
from confidentiality.models import ConfidentialModel
from safeguarding import school_time

from .concerns import Concern


class CaseNote(ConfidentialModel):
    """A DSL's note on a concern: a phone call, a conversation, a thought. Encrypted."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField("note", blank=False)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        # Also the audit trail's label: the concern's reference only, never content.
        return f"Case note on concern {self.concern.reference}"

    audit_subject_blind = True

    def audit_subject(self):
        return self.concern.audit_subject()


class ActionQuerySet(models.QuerySet):
    def outstanding(self):
        return self.filter(done_at__isnull=True)

    def overdue(self, today=None):
        return self.outstanding().filter(due_on__lt=today or timezone.localdate())


class Action(ConfidentialModel):
    """Something someone must do for a concern, by a date: "speak to mum at pick-up"."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="actions")
    description = EncryptedTextField("what needs doing", blank=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="safeguarding_actions"
    )
    due_on = models.DateField("due by")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["done_at", "due_on"]

    def __str__(self):
        # Also the audit trail's label: the concern's reference only, never content.
        return f"Action on concern {self.concern.reference}"

    audit_subject_blind = True

    def audit_subject(self):
        return self.concern.audit_subject()

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()

    def complete(self, by, now=None):
        """Mark the action done (once)."""
        if self.done_at is None:
            self.done_at = now or timezone.now()
            self.done_by = by
            self.save()


class ReferralQuerySet(models.QuerySet):
    def overdue(self, now=None):
        """Referrals past a statutory clock: not made in time, or a phone referral whose written
        follow-up is late."""
        now = now or timezone.now()
        return self.filter(
            Q(made_at__isnull=True, due_by__lt=now)
            | Q(
                method=Referral.Method.PHONE,
                made_at__isnull=False,
                written_follow_up_at__isnull=True,
                follow_up_due_by__lt=now,
            )
        )


class Referral(ConfidentialModel):
    """A referral to an outside agency, with its statutory clock (P3).

    The LADO must be told within one working day of the concern; a referral made by phone must
    be followed up in writing within 24 hours. A referral may be recorded as decided before it
    is made, so the clock shows on the dashboard until it is.
    """

    class Agency(models.TextChoices):
        CHILDRENS_SOCIAL_CARE = "csc", "Children's social care"
        POLICE = "police", "Police"
        EARLY_HELP = "early_help", "Early help"
        LADO = "lado", "Local authority designated officer (LADO)"

    class Method(models.TextChoices):
        PHONE = "phone", "By phone"
        WRITTEN = "written", "In writing / online form"

    WRITTEN_FOLLOW_UP = timedelta(hours=24)

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="referrals")
    agency = models.CharField(max_length=20, choices=Agency.choices)
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.PHONE)
    made_at = models.DateTimeField("made at", null=True, blank=True)
    due_by = models.DateTimeField(null=True, blank=True)
    follow_up_due_by = models.DateTimeField(null=True, blank=True)
    written_follow_up_at = models.DateTimeField(null=True, blank=True)
    contact = EncryptedCharField("who you spoke to")
    agency_reference = EncryptedCharField("their reference")
    details = EncryptedTextField("what was said and agreed")
    outcome = EncryptedTextField("outcome")
    outcome_at = models.DateTimeField(null=True, blank=True)
    # Empty until someone makes it: an allegation's LADO referral is recorded when the concern
    # is raised, before anyone has phoned the LADO.
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        # Also the audit trail's label: the concern's reference only, never content.
        return f"Referral on concern {self.concern.reference}"

    def audit_subject(self):
        return self.concern.audit_subject()

    audit_subject_blind = True

    def save(self, *args, **kwargs):
        self.start_clocks()
        super().save(*args, **kwargs)

    def start_clocks(self):
        """Set the statutory deadlines from the concern and the way the referral was made."""
        if self.agency == self.Agency.LADO and self.due_by is None:
            self.due_by = school_time.add_working_days(self.concern.created_at, 1)
        if self.method == self.Method.PHONE and self.made_at:
            self.follow_up_due_by = self.made_at + self.WRITTEN_FOLLOW_UP
        else:
            self.follow_up_due_by = None

    def record_progress(
        self, made_at=None, written_follow_up_at=None, outcome="", now=None, by=None
    ):
        """Record that the referral was made, followed up in writing, or what came of it. A
        referral nobody had made yet (an allegation's LADO referral) is made by ``by``."""
        if made_at:
            self.made_at = made_at
            if self.made_by_id is None and by is not None:
                self.made_by = by
        if written_follow_up_at:
            self.written_follow_up_at = written_follow_up_at
        if outcome and outcome.strip():
            self.outcome = outcome.strip()
            self.outcome_at = now or timezone.now()
        self.save()

    @property
    def is_overdue(self) -> bool:
        now = timezone.now()
        if self.made_at is None:
            return self.due_by is not None and self.due_by < now
        return bool(
            self.follow_up_due_by and not self.written_follow_up_at and self.follow_up_due_by < now
        )

    @property
    def clock(self) -> str:
        """What the statutory clock says, in words for the DSL."""
        if self.made_at is None:
            return (
                f"to be made by {timezone.localtime(self.due_by):%a %d %b %H:%M}"
                if (self.due_by)
                else "not yet made"
            )
        if self.follow_up_due_by and not self.written_follow_up_at:
            due = timezone.localtime(self.follow_up_due_by)
            return f"written follow-up due by {due:%a %d %b %H:%M}"
        return "made"


register_confidential(CaseNote)
register_confidential(Action)
register_confidential(Referral)
