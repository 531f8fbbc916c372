from django.db import models


class AuditSeal(models.Model):
    """One link of the tamper-evident chain over the audit log.

    ``digest = HMAC(AUDIT_CHAIN_KEY, previous digest | the entry's content)``. The entry is named
    by a plain number, not a foreign key, so an entry deleted behind the application's back leaves
    its seal behind as evidence. ``actor_id`` is kept because deleting a user legitimately blanks
    the entry's actor; the seal still says who it was.
    """

    entry_id = models.BigIntegerField(unique=True)
    actor_id = models.BigIntegerField(null=True)
    previous = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"seal {self.pk} of entry {self.entry_id}"
