import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class DeletionCertificate(models.Model):
    """The proof that one record was destroyed under the school's retention schedule: what kind
    of record, its reference, under which rule and when it fell due, when it was deleted and by
    which run. Never a name nor any content: the reference is the blind reference the audit
    trail already uses for the record (``audit.subject_key(..., blind=True)``), so whoever holds
    the key can match the certificate with the record's history, and nobody else can tell whose
    record it was. Certificates are kept permanently and never changed."""

    kind = models.CharField(max_length=50)
    kind_label = models.CharField("kind of record", max_length=100)
    reference = models.CharField(max_length=120, db_index=True)
    rule = models.CharField("rule applied", max_length=300)
    toolkit_reference = models.CharField(max_length=200)
    due_on = models.DateField("due for deletion on")
    deleted_at = models.DateTimeField(default=timezone.now)
    run = models.UUIDField("deletion run", default=uuid.uuid4, db_index=True)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    run_description = models.CharField("run by", max_length=200)
    rows_removed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-deleted_at", "kind"]
        constraints = [
            # A record is destroyed once: a second certificate would mean a second deletion.
            models.UniqueConstraint(fields=["kind", "reference"], name="one_certificate_a_record")
        ]

    def __str__(self):
        return f"Deletion certificate {self.short_reference}"

    @property
    def short_reference(self) -> str:
        """The reference as people quote it: its first twelve digits (the full one is stored)."""
        return "#" + self.reference.partition("#")[2][:12]
