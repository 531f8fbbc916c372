from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

BREAK_GLASS_MINUTES = 60


class BreakGlassQuerySet(models.QuerySet):
    def active(self):
        return self.filter(expires_at__gt=timezone.now())

    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk)
        )


class BreakGlassAccess(models.Model):
    """Emergency access by a member of staff with no grant (P10).

    Granted for a short time on a written reason; the DSL is told at once and the reason stands in
    the audit trail. It opens the record's everyday sections, never social-services detail.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_pk = models.CharField(max_length=64)
    reason = models.TextField()
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "content_type", "expires_at"])]

    def __str__(self):
        return f"Emergency access by {self.user} until {self.expires_at:%H:%M}"

    def save(self, *args, **kwargs):
        if not self.expires_at:
            self.expires_at = self.granted_at + timedelta(minutes=BREAK_GLASS_MINUTES)
        super().save(*args, **kwargs)
