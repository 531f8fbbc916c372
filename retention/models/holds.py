from django.conf import settings
from django.db import models
from django.utils import timezone

from confidentiality.audit import register_confidential
from confidentiality.crypto.blind_index import BlindLink, BlindRefField
from confidentiality.crypto.fields import EncryptedCharField, EncryptedTextField
from confidentiality.models import ConfidentialModel


class HoldQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(lifted_at__isnull=True)


class LegalHold(ConfidentialModel):
    """An instruction that records must not be destroyed, whatever their rule says: a statutory
    inquiry (such as the Independent Inquiry into Child Sexual Abuse, which asked schools to keep
    every safeguarding record), a claim, a police investigation. A hold covers everything, every
    safeguarding record, one kind of record, or everything about one child. It stays until
    lifted; it is never deleted.

    The child is a blind link: the table does not say which child is held (that alone would say
    there is a claim or an inquiry about them)."""

    class Scope(models.TextChoices):
        EVERYTHING = "everything", "Every record"
        SAFEGUARDING = "safeguarding", "Every safeguarding record"
        KIND = "kind", "One kind of record"
        CHILD = "child", "Every record about one child"

    scope = models.CharField("what it covers", max_length=20, choices=Scope.choices)
    kind = models.CharField(max_length=50, blank=True)
    child_ref = BlindRefField()
    child_key = EncryptedCharField("child")
    child = BlindLink("records.Student", null=True)
    reason = EncryptedTextField("reason", blank=False)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = HoldQuerySet.as_manager()

    audit_subject_blind = True

    class Meta:
        ordering = ["-placed_at"]

    def __str__(self):
        # Also the audit trail's label: never the child nor the reason.
        return f"Legal hold {str(self.pk).split('-')[0].upper()}"

    @property
    def reference(self) -> str:
        return str(self.pk).split("-")[0].upper()


register_confidential(LegalHold)
