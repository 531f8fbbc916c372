"""Lesson observations: a named observer fills in the school's form, then submits it to the
member of staff's file. Until then it is their draft, and the only part of the file they see."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from confidentiality.audit import register_confidential
from confidentiality.crypto.fields import (
    EncryptedBinaryField,
    EncryptedCharField,
    EncryptedJSONField,
    EncryptedTextField,
)
from confidentiality.models import ConfidentialModel

from .. import policy
from .files import PerformanceFile

# The school's criteria for a lesson observation, each rated in words with a comment.
CRITERIA = [
    ("planning", "Planning and sequencing"),
    ("subject_knowledge", "Subject knowledge"),
    ("behaviour", "Behaviour and relationships"),
    ("assessment", "Assessment and feedback"),
    ("send", "Adaptation for pupils with SEND"),
]
RATINGS = [
    ("strength", "Strength"),
    ("secure", "Secure"),
    ("developing", "Developing"),
    ("support", "Area for support"),
]


class Observation(ConfidentialModel):
    """A lesson observation for a performance file: what was seen, rated against each
    criterion, with strengths and areas to develop, and any scanned observation sheets."""

    file = models.ForeignKey(PerformanceFile, on_delete=models.CASCADE, related_name="observations")
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="performance_observations"
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    planned_for = models.DateField("date of the observation")
    lesson = EncryptedCharField("lesson (class and subject)")
    ratings = EncryptedJSONField("ratings against the criteria", default=dict)
    strengths = EncryptedTextField("strengths")
    areas_to_develop = EncryptedTextField("areas to develop")
    submitted_at = models.DateTimeField("submitted to the file", null=True)

    class Meta:
        ordering = ["planned_for", "created_at"]
        default_permissions = ()
        permissions = [
            (policy.READ_OBSERVATION, "Read a lesson observation"),
            (policy.RECORD_OBSERVATION, "Fill in one's own draft observation"),
        ]

    def __str__(self):
        # Also the audit trail's label: whose lesson and when, never what was seen.
        name = self.file.subject.get_full_name() or self.file.subject
        return f"Lesson observation of {name} on {self.planned_for:%-d %B %Y}"

    @classmethod
    def relational_permissions(cls, user) -> dict:
        return policy.observation_relations(user)

    def audit_subject(self):
        return self.file.subject

    @property
    def is_draft(self) -> bool:
        return self.submitted_at is None

    def rated(self) -> list[dict]:
        """Each criterion with its rating in words and comment, in the school's order."""
        ratings = self.ratings if isinstance(self.ratings, dict) else {}
        words = dict(RATINGS)
        return [
            {
                "code": code,
                "label": label,
                "rating": words.get((ratings.get(code) or {}).get("rating"), ""),
                "comment": (ratings.get(code) or {}).get("comment", ""),
            }
            for code, label in CRITERIA
        ]

    def submit(self) -> None:
        """Into the file: the observer's part is done, and their access ends with it."""
        self.submitted_at = timezone.now()
        self.save()


class ObservationSheet(ConfidentialModel):
    """A scanned or photographed observation sheet (PDF or image), encrypted like the rest."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="sheets")
    filename = EncryptedCharField("file name")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    content = EncryptedBinaryField("content")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    permissions_from = "observation"

    class Meta:
        ordering = ["created_at"]
        default_permissions = ()

    def __str__(self):
        # Never the file's name, which may say what it shows.
        return f"Observation sheet for the {self.observation}"


register_confidential(Observation)
register_confidential(ObservationSheet)
