from django.conf import settings
from django.db import models
from django.utils import timezone

from confidentiality.audit import register_confidential
from confidentiality.crypto.fields import EncryptedTextField
from confidentiality.models import ConfidentialModel


class RetentionReview(ConfidentialModel):
    """The decision taken on a record whose rule says "review": keep it until a later date, and
    why. Until then the record is not due; on that date it is due for review again. The record
    is named by the same blind reference as its certificate would be, never by name."""

    kind = models.CharField(max_length=50)
    reference = models.CharField(max_length=120, db_index=True)
    keep_until = models.DateField("kept until")
    reason = EncryptedTextField("reason", blank=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self):
        # Also the audit trail's label: the kind only, never whose record.
        return f"Retention review of a record ({self.kind})"


register_confidential(RetentionReview)
