from django.conf import settings
from django.db import models

from confidentiality.audit import register_confidential
from confidentiality.crypto.fields import EncryptedTextField
from confidentiality.models import ConfidentialModel

from .people import Student


class FamilyShareDecision(ConfidentialModel):
    """The DSL's decision to share a child's personal and family circumstances with a named
    member of staff, or to stop (P6), and why. The reason is encrypted: it often says what the
    circumstances are. The audit trail records only who, with whom and when."""

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="family_share_decisions"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    shared = models.BooleanField(help_text="True: shared; False: sharing stopped.")
    reason = EncryptedTextField("why")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        verb = "shared with" if self.shared else "no longer shared with"
        return f"Family section {verb} {self.person}"

    def audit_subject(self):
        return self.student


register_confidential(FamilyShareDecision)
