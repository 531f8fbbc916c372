"""Lessons a class is taught, and the school's list of sensitive topics (P19).

Where a teacher records a lesson, or pupils' work, on a topic the school has listed as sensitive
(relationships and sex education, bereavement, self-harm...), the page shows the ground rules,
the distancing techniques and the topic's own guidance, and reminds them that a disclosure in
class is a safeguarding concern to log (``records/lesson_guidance.py``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from confidentiality.audit import register_confidential
from confidentiality.crypto.fields import EncryptedTextField
from confidentiality.models import ConfidentialModel

from .academic import Subject
from .people import TeachingGroup

# Sensitive topics are mostly taught in PSHE (personal, social, health and economic education) and
# relationships and sex education, which a pupil's grades have no subject for.
LESSON_SUBJECTS = [("pshe", "PSHE and RSE"), *Subject.choices]


class SensitiveTopicQuerySet(models.QuerySet):
    def offered(self):
        """The topics a teacher may choose for a lesson or a piece of work: those not retired."""
        return self.filter(active=True)


class SensitiveTopic(models.Model):
    """A topic on the school's list of sensitive topics, with what staff should know before
    teaching it. The head teacher and the safeguarding team keep the list; a topic no longer
    taught is retired (lessons already recorded on it keep it), never deleted. Not confidential:
    it says what the school teaches, about no one."""

    name = models.CharField(max_length=100, unique=True)
    guidance = models.TextField(
        help_text="What staff should know before teaching this topic: a few short sentences."
    )
    active = models.BooleanField(
        "offered to teachers",
        default=True,
        help_text="A retired topic is no longer offered; lessons already recorded keep it.",
    )

    objects = SensitiveTopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Lesson(ConfidentialModel):
    """A lesson (or a piece of class work) a class was taught, recorded by a member of staff who
    teaches the class. The notes are encrypted: they may mention pupils (what a child said,
    who needed support afterwards)."""

    group = models.ForeignKey(
        TeachingGroup, on_delete=models.CASCADE, related_name="lessons", verbose_name="class"
    )
    taught_on = models.DateField("date", default=timezone.localdate)
    subject = models.CharField(max_length=20, choices=LESSON_SUBJECTS)
    title = models.CharField(
        max_length=200,
        help_text="For example: “Feelings when someone dies”. Do not name pupils here: use the "
        "notes.",
    )
    topic = models.ForeignKey(
        SensitiveTopic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name="sensitive topic",
    )
    notes = EncryptedTextField("notes")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-taught_on", "-created_at"]

    def __str__(self):
        return f"{self.title} ({self.taught_on.day} {self.taught_on:%b %Y})"

    @property
    def is_sensitive(self) -> bool:
        return self.topic_id is not None

    def audit_subject(self):
        # A look at a lesson is a look at the class's work: the trail files it under the class.
        return TeachingGroup(pk=self.group_id)

    @classmethod
    def relational_permissions(cls, user) -> dict:
        """Those who teach or support in the class see its lessons, decided when asked: a
        teacher who leaves the class no longer sees them (P5). The safeguarding team and the
        head teacher see every class's, role-wide (``policy.ROLE_PERMISSIONS``)."""
        from ..policy import teaches_in_classes

        if not teaches_in_classes(user):
            return {}
        return {"view_lesson": models.Q(group__staff=user)}


# The door's tables of object grants on a lesson (guardian's direct form). No grant is given on
# a lesson today: who sees one is decided by their place in the class, when asked.
class LessonUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Lesson, on_delete=models.CASCADE)


class LessonGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Lesson, on_delete=models.CASCADE)


register_confidential(SensitiveTopic)
register_confidential(Lesson)
