import uuid

from django.db import models


class ConfidentialModel(models.Model):
    """Base for every confidential object the school keeps.

    The UUID key exists before the first save, so encrypted fields can be bound to their row, and
    it cannot be guessed or counted through (P13: enumerating ids yields nothing).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def audit_subject(self):
        """The person this object is about (a student, a member of staff), for "who has seen
        this". Sections override it to point at their student."""
        return self

    def get_additional_data(self):
        # Called by django-auditlog for change entries; access entries use the same key.
        from confidentiality.audit import entry_subject_key

        data = {"subject": entry_subject_key(self)}
        # A verb may add what a change was about (entry names, never values), for the history.
        data.update(self.__dict__.get("_audit_note") or {})
        return data
