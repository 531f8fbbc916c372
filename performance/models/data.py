"""Performance data, as dated entries: what the evidence is ("Year 6 reading outcomes") and the
figures or commentary, each kept on its date so the year's picture builds up."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from confidentiality.audit import register_confidential
from confidentiality.crypto.fields import EncryptedCharField, EncryptedTextField
from confidentiality.models import ConfidentialModel

from .files import PerformanceFile


class PerformanceDataEntry(ConfidentialModel):
    """One dated piece of performance data in a file, added by the holder or the reviewer and
    read by the member of staff: e.g. "Year 6 reading outcomes" with the results and a comment.
    What it is and what it says are encrypted; only its date is plain."""

    file = models.ForeignKey(PerformanceFile, on_delete=models.CASCADE, related_name="data_entries")
    recorded_on = models.DateField("date", default=timezone.localdate)
    title = EncryptedCharField("what it is")
    data = EncryptedTextField("data and commentary")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    permissions_from = "file"

    class Meta:
        ordering = ["recorded_on", "created_at"]
        default_permissions = ()
        verbose_name_plural = "performance data entries"

    def __str__(self):
        # Also the audit trail's label: never what the entry is about.
        return f"Performance data entry on the {self.file}"


register_confidential(PerformanceDataEntry)
