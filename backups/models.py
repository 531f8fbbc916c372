from django.db import models
from django.utils import timezone


class Backup(models.Model):
    """One attempt to make a backup, good or not: what the dashboard's "Last good backup" and
    the health check read. Holds no content of the school's records, only the file's name."""

    made_at = models.DateTimeField(default=timezone.now, db_index=True)
    file_name = models.CharField(max_length=200, blank=True)
    size_bytes = models.BigIntegerField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    verified = models.BooleanField(default=False)
    # Why it failed, in the words the command printed (technical, never a record's content).
    problem = models.TextField(blank=True)

    class Meta:
        ordering = ["-made_at", "-id"]

    def __str__(self):
        state = "verified" if self.verified else "failed"
        return f"backup of {self.made_at:%Y-%m-%d %H:%M} ({state})"
