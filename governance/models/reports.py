"""The head teacher's termly report to governors (P17).

The head drafts the report for a term as items, each with a heading and text (encrypted). An item
about exclusions, a personnel matter or anyone who could be identified is marked confidential: it
reaches only the confidential minutes of the meeting the report goes to, read as those are (the
governors who attended, the clerk, the head), and never the public minutes, the public page or
the PDF. The report may carry the safeguarding statistics governors must see
(``safeguarding.statistics``: numbers only, small numbers suppressed), taken when the report is
sent so the record shows what governors were given.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from confidentiality.audit import register_confidential
from confidentiality.crypto.fields import (
    EncryptedCharField,
    EncryptedJSONField,
    EncryptedTextField,
)
from confidentiality.models import ConfidentialModel
from confidentiality.roles import Role

from .meetings import Meeting


class Term(models.TextChoices):
    AUTUMN = "autumn", "Autumn term"
    SPRING = "spring", "Spring term"
    SUMMER = "summer", "Summer term"


class HeadReport(ConfidentialModel):
    """The head teacher's report to governors for one term."""

    term = models.CharField(max_length=10, choices=Term.choices)
    school_year = models.CharField("school year", max_length=7, help_text="For example 2026/27.")
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="head_reports",
        verbose_name="the meeting it goes to",
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    include_statistics = models.BooleanField(
        "include the safeguarding statistics",
        default=True,
        help_text="Counts of concerns, referrals and training: numbers only, and any count "
        "from 1 to 4 shown as “fewer than 5”.",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    # The statistics as governors were given them, taken when the report was sent.
    statistics = EncryptedJSONField("safeguarding statistics", default=dict)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("write_headreport", "Draft and send the head teacher's report")]

    def __str__(self):
        return f"Head teacher's report, {self.get_term_display().lower()} {self.school_year}"

    @classmethod
    def relational_permissions(cls, user) -> dict:
        """Governors and the clerk read a report once the head has sent it (the head reads every
        one, by role)."""
        if user.has_role(Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS, Role.CLERK):
            return {"view_headreport": Q(sent_at__isnull=False)}
        return {}

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    def public_items(self):
        return self.items.filter(confidential=False)

    def confidential_items(self):
        return self.items.filter(confidential=True)

    def send(self, statistics: dict | None) -> None:
        """Send the report to governors for its meeting; from then on it is fixed."""
        if self.is_sent:
            raise ValidationError("This report has already been sent to governors.")
        if self.meeting_id is None:
            raise ValidationError("Choose the meeting the report goes to before sending it.")
        if not self.items.exists():
            raise ValidationError("Add at least one item before sending the report.")
        self.statistics = statistics or {}
        self.sent_at = timezone.now()
        self.save()


class HeadReportItem(ConfidentialModel):
    """One item of the head's report: a heading and its text, public or confidential."""

    report = models.ForeignKey(HeadReport, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField()
    heading = EncryptedCharField("heading", blank=False)
    text = EncryptedTextField("text", blank=False)
    confidential = models.BooleanField(
        "confidential",
        default=False,
        help_text="Exclusions, personnel matters, anything about a person who could be "
        "identified: it will reach only the confidential minutes.",
    )

    permissions_from = "report"

    class Meta:
        ordering = ["number", "created_at"]

    def __str__(self):
        # Also the audit trail's label: never the heading.
        return f"Item {self.number} of the {self.report}"


register_confidential(HeadReport)
register_confidential(HeadReportItem)
