"""A member of staff's performance file for one review cycle, and what is kept in it.

Who may read and change it is decided by ``performance.policy`` (P18), through the
relations below: no role opens a file.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from confidentiality.audit import register_confidential
from confidentiality.crypto.fields import EncryptedCharField, EncryptedTextField
from confidentiality.models import ConfidentialModel

from .. import policy
from .cycles import ReviewCycle


class PayRecommendation(models.TextChoices):
    PROGRESS = "progress", "Pay progression recommended"
    NO_PROGRESS = "no_progress", "Pay progression not recommended"
    DEFERRED = "deferred", "Decision deferred (more evidence needed)"


class PerformanceFile(ConfidentialModel):
    """The performance review of one member of staff for one cycle: their objectives, lesson
    observations, dated performance data, review meetings and the pay recommendation."""

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="performance_files",
        verbose_name="member of staff",
    )
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.PROTECT, related_name="files")
    pay_recommendation = EncryptedCharField("pay recommendation")
    pay_reasons = EncryptedTextField("reasons for the pay recommendation")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-cycle__starts_on", "subject__last_name", "subject__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "cycle"], name="one_file_per_cycle")
        ]
        # Nobody's role holds these (no ROLE_PERMISSIONS): they are held by relation only.
        default_permissions = ()
        permissions = [
            (policy.READ_FILE, "Read a performance file"),
            (policy.REVIEW_FILE, "Review a performance file (objectives, reviews, observations)"),
            (policy.MANAGE_FILE, "Hold a performance file (pay recommendation, delegation)"),
            (policy.COMMENT_ON_FILE, "Comment on and sign off one's own reviews"),
            (policy.READ_PAY, "Read the pay recommendation"),
        ]

    def __str__(self):
        # Also the audit trail's label: whose file and which cycle, never its content.
        return f"Performance file {self.cycle} of {self.subject.get_full_name() or self.subject}"

    @classmethod
    def relational_permissions(cls, user) -> dict:
        return policy.file_relations(user)

    def audit_subject(self):
        return self.subject

    @property
    def pay_recommendation_label(self) -> str:
        value = self.pay_recommendation
        return dict(PayRecommendation.choices).get(value, value or "")

    def current_delegation(self, today=None):
        """The delegation running today, if any (one at a time)."""
        return (
            self.delegations.running_on(today or timezone.localdate())
            .select_related("reviewer")
            .first()
        )

    def holder_is_chair(self) -> bool:
        """The head teacher's own file is held by the chair of governors."""
        from confidentiality.roles import Role

        return self.subject.has_role(Role.HEAD_TEACHER)


class Objective(ConfidentialModel):
    """One objective for the cycle, with how success will be recognised."""

    file = models.ForeignKey(PerformanceFile, on_delete=models.CASCADE, related_name="objectives")
    title = EncryptedTextField("objective", blank=False)
    success_criteria = EncryptedTextField("success criteria", blank=False)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    permissions_from = "file"

    class Meta:
        ordering = ["created_at"]
        default_permissions = ()

    def __str__(self):
        return f"Objective on the {self.file}"


class ProgressNote(ConfidentialModel):
    """A dated note of progress towards an objective."""

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="progress_notes"
    )
    written_on = models.DateField("date", default=timezone.localdate)
    note = EncryptedTextField("progress", blank=False)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["written_on", "created_at"]
        default_permissions = ()

    def __str__(self):
        return f"Progress note on the {self.objective.file}"

    def audit_subject(self):
        return self.objective.file.subject


class ReviewMeeting(ConfidentialModel):
    """A meeting of the cycle (objective setting, mid-year review, final review): notes and
    outcome by the reviewer, then the member of staff's own comments and sign-off."""

    class Kind(models.TextChoices):
        OBJECTIVE_SETTING = "objective_setting", "Objective-setting meeting"
        MID_YEAR = "mid_year", "Mid-year review"
        FINAL = "final", "Final review"

    file = models.ForeignKey(PerformanceFile, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField("meeting", max_length=20, choices=Kind.choices)
    held_on = models.DateField("date held")
    notes = EncryptedTextField("notes of the meeting", blank=False)
    outcome = EncryptedTextField("outcome", blank=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    staff_comments = EncryptedTextField("comments of the member of staff")
    signed_off_at = models.DateTimeField("signed off by the member of staff", null=True)

    permissions_from = "file"

    class Meta:
        ordering = ["held_on", "created_at"]
        default_permissions = ()

    def __str__(self):
        return f"{self.get_kind_display()} on the {self.file}"

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None

    def comment(self, text: str, *, sign_off: bool) -> None:
        """The member of staff's comments, and (if they say so) their sign-off, after which
        the record of the review and the comments stay as they are."""
        if self.is_signed_off:
            raise ValidationError("You have already signed off this review.")
        self.staff_comments = text
        if sign_off:
            self.signed_off_at = timezone.now()
        self.save()


class DelegationQuerySet(models.QuerySet):
    def running_on(self, day):
        """Running on ``day``: begun, not past its last day, not ended early."""
        return self.filter(starts_on__lte=day, ends_on__gte=day, ended_at__isnull=True)


class Delegation(ConfidentialModel):
    """The holder hands a file to a reviewer (a line manager) for the cycle or until a date.
    The right ends by itself after ``ends_on`` (the door asks the date); the holder may end it
    early."""

    file = models.ForeignKey(PerformanceFile, on_delete=models.CASCADE, related_name="delegations")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="performance_reviews"
    )
    starts_on = models.DateField("from", default=timezone.localdate)
    ends_on = models.DateField("until")
    delegated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField("ended early", null=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # When the reviewer (and the holder) were told it is about to end, and that it has ended:
    # each is said once (``performance.notifications``).
    ending_told_at = models.DateTimeField(null=True, editable=False)
    end_told_at = models.DateTimeField(null=True, editable=False)

    objects = DelegationQuerySet.as_manager()
    permissions_from = "file"

    class Meta:
        ordering = ["-starts_on", "-created_at"]
        default_permissions = ()

    def __str__(self):
        return f"Delegation of the {self.file} to {self.reviewer.get_full_name() or self.reviewer}"

    def end(self, by) -> None:
        """The holder ends it early; the reviewer is told at once, never again later."""
        self.ended_at = self.end_told_at = timezone.now()
        self.ended_by = by
        self.save(update_fields=["ended_at", "ended_by", "end_told_at", "updated_at"])


for model in (PerformanceFile, Objective, ProgressNote, ReviewMeeting, Delegation):
    register_confidential(model)
