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
    # The row's write generation, bound into every encrypted value of the row and raised by
    # every save that writes them: an older value put back with SQL no longer opens (it reads
    # as "cannot be opened" and is logged) instead of silently replacing the current one.
    seal_version = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    # A model that is part of another's record (a grade is part of a student's record) names the
    # relation here, e.g. ``"student"``: it is opened exactly when that object may be
    # (``access.permission_holder``) and its audit entries are about what that object is about.
    permissions_from: str | None = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Save; a save that writes encrypted values seals all of them to a new generation."""
        from confidentiality.crypto.fields import BEFORE, encrypted_fields

        fields = encrypted_fields(type(self))
        update_fields = kwargs.get("update_fields")
        writes = fields and (
            update_fields is None or {f.attname for f in fields} & set(update_fields)
        )
        if not writes:
            return super().save(*args, **kwargs)
        # Every value must be opened under the generation it was sealed with before the row
        # moves on; one this server cannot open keeps the row where it is (and is saved back
        # exactly as it was).
        for field in fields:
            field._refuse_replacing_unreadable(self)
        readable = not any(field.is_unreadable(getattr(self, field.attname)) for field in fields)
        if readable:
            self.__dict__.pop(BEFORE, None)  # checked above, under the old generation
            self.seal_version = (self.seal_version or 0) + 1
            if update_fields is not None:
                kwargs["update_fields"] = {
                    *update_fields,
                    "seal_version",
                    *(field.attname for field in fields),
                }
        return super().save(*args, **kwargs)

    def audit_subject(self):
        """The person this object is about (a student, a member of staff), for "who has seen
        this": for a part of another's record (``permissions_from``), what that one is about;
        otherwise the object itself. A model about someone by another relation overrides it."""
        if self.permissions_from:
            holder = getattr(self, self.permissions_from)
            return holder.audit_subject() if hasattr(holder, "audit_subject") else holder
        return self

    def get_additional_data(self):
        # Called by django-auditlog for change entries; access entries use the same key.
        from confidentiality.audit import entry_subject_key

        data = {"subject": entry_subject_key(self)}
        # A verb may add what a change was about (entry names, never values), for the history.
        data.update(self.__dict__.get("_audit_note") or {})
        return data
