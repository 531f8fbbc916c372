"""What the database knows about the encryption keys: which key the school seals new values with,
and ciphertexts that could not be opened and were set aside instead of being lost."""

import uuid

from django.conf import settings
from django.db import models


class SealingKey(models.Model):
    """The key every server must seal new values with (one row). ``rotate_keys`` sets it to the
    first key of its ring before re-sealing, so no server keeps writing with the old key: a
    server whose ring lacks this key refuses to seal (``SealingRefused``) and only reads."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    key_id = models.CharField("key id", max_length=50)
    set_at = models.DateTimeField("set at", auto_now=True)
    set_by = models.CharField("set by", max_length=200, blank=True)

    class Meta:
        verbose_name = "key new values are sealed with"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="one_sealing_key")]

    def __str__(self):
        return f"New values are sealed with key ‘{self.key_id}’"


class SetAsideValue(models.Model):
    """An encrypted value this server could not open, moved out of the way instead of deleted,
    so the person can carry on (an unreadable draft must never block a report, P3). It keeps the
    ciphertext and what it was bound to, so a server holding its key can still open it, and key
    rotation re-seals it like any other value. Never the plaintext."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    set_aside_at = models.DateTimeField(auto_now_add=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Whose value it was (for example the author of a draft).",
    )
    what = models.CharField(max_length=100, help_text="For example “safeguarding.concerndraft”.")
    field = models.CharField(max_length=100)
    context = models.CharField(
        max_length=250, help_text="What the ciphertext is bound to (model, field and row)."
    )
    ciphertext = models.TextField()
    key_id = models.CharField(max_length=50, db_index=True)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["-set_aside_at"]

    def __str__(self):
        return f"Set-aside {self.what}.{self.field} from {self.set_aside_at:%d %B %Y %H:%M}"
