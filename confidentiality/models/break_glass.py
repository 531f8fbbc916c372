import re
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from confidentiality.crypto.fields import EncryptedTextField

from .base import ConfidentialModel

BREAK_GLASS_MINUTES = 60
# Emergencies are rare: more openings than this in a day by one person is no longer one, and
# the DSL (who is told of each) can open a record for them.
BREAK_GLASS_PER_DAY = 5
# A reason is a sentence or two the DSL reads, not a document (a 2 MB "reason" once made the
# audit page 14 MB).
REASON_MAX_CHARS = 1000
REASON_MIN_LETTERS = 20
REASON_MIN_WORDS = 4

# Characters that change how text looks without being seen: zero-width spaces and joiners,
# the bidirectional controls that show text reversed, soft hyphens, byte-order marks ("Cf"),
# and control characters other than line breaks and tabs ("Cc").
_KEPT_CONTROLS = {"\n", "\t"}
_WORD = re.compile(r"[^\W\d_]{2,}")


def _visible_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(
        c
        for c in text
        if c in _KEPT_CONTROLS or unicodedata.category(c) not in {"Cf", "Cc", "Co", "Cs", "Cn"}
    ).strip()


def clean_reason(text) -> str:
    """The reason as it will be kept and shown: invisible and direction-changing characters
    removed. Refused, with a message in plain words, unless it is a real sentence (at least 20
    letters in at least four words) of at most 1,000 characters (second review)."""
    reason = _visible_text(str(text or ""))
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError(
            f"Please keep the reason to {REASON_MAX_CHARS:,} characters or fewer "
            f"(it has {len(reason):,}): a sentence or two is enough."
        )
    words = _WORD.findall(reason)
    letters = sum(len(word) for word in words)
    distinct = {word.casefold() for word in words}
    if letters < REASON_MIN_LETTERS or len(words) < REASON_MIN_WORDS or len(distinct) < 3:
        raise ValidationError(
            "Say in a sentence, in words, why you need this record now (at least 20 letters), "
            "for example: “Child collapsed in PE; I need their allergies and emergency steps.”"
        )
    return reason


class BreakGlassQuerySet(models.QuerySet):
    def active(self):
        return self.filter(expires_at__gt=timezone.now())

    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk)
        )

    def granted_today(self):
        """Granted since midnight, school time."""
        start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        return self.filter(granted_at__gte=start)

    def ended_early(self):
        """Ended by the safeguarding team before their time ran out (``BreakGlassAccess.end``)."""
        return self.filter(
            expires_at__lt=models.F("granted_at") + timedelta(minutes=BREAK_GLASS_MINUTES)
        )


class BreakGlassAccess(models.Model):
    """Emergency access by a member of staff with no grant (P10).

    Granted for a short time on a written reason; the DSL is told at once and the reason stands in
    the audit trail. It opens the record's everyday sections, never social-services detail. One
    person holds at most one at a time on a record (asking again does not extend it), and the DSL
    or a deputy may end it early (``end``).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_pk = models.CharField(max_length=64)
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "content_type", "expires_at"])]

    def __str__(self):
        return f"Emergency access by {self.user} until {timezone.localtime(self.expires_at):%H:%M}"

    def save(self, *args, **kwargs):
        if not self.expires_at:
            self.expires_at = self.granted_at + timedelta(minutes=BREAK_GLASS_MINUTES)
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()

    @property
    def was_ended_early(self) -> bool:
        return self.expires_at < self.granted_at + timedelta(minutes=BREAK_GLASS_MINUTES)

    @property
    def opened(self):
        """The object the grant opens (None if it no longer exists)."""
        model = self.content_type.model_class()
        return model._default_manager.filter(pk=self.object_pk).first() if model else None

    @property
    def reason(self) -> str:
        """The written reason (encrypted in ``BreakGlassReason``): a reason often says what
        happened to the child, and a copy of the database must not tie it to the child."""
        sealed = getattr(self, "sealed_reason", None)
        return sealed.text if sealed is not None else ""

    def record_reason(self, reason: str) -> None:
        """Keep the (already cleaned) reason, sealed to its own row."""
        self.sealed_reason = BreakGlassReason.objects.create(grant=self, text=reason)

    def end(self) -> None:
        """End the grant now: the person loses the access at their next page (P10). The end
        time is kept, so the trail still shows how long it lasted."""
        now = timezone.now()
        if self.expires_at > now:
            self.expires_at = now
            self.save(update_fields=["expires_at"])


class BreakGlassReason(ConfidentialModel):
    """The reason given for an emergency access, encrypted (P6, P10). Kept apart from the grant,
    whose whole-number key cannot bind a sealed value before it is saved."""

    grant = models.OneToOneField(
        BreakGlassAccess, on_delete=models.CASCADE, related_name="sealed_reason"
    )
    text = EncryptedTextField("reason")

    def __str__(self):
        return f"Reason for emergency access {self.grant_id}"
