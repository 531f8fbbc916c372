"""A child's learning: grades, progress notes and their work ("books"), seen by the staff who
teach them and by their own parents only (P12, P13)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from confidentiality.audit import register_confidential
from confidentiality.crypto.fields import (
    EncryptedBinaryField,
    EncryptedCharField,
    EncryptedTextField,
)
from confidentiality.models import ConfidentialModel
from confidentiality.uploads import check_upload, extension_for

from .people import Student


class Subject(models.TextChoices):
    ENGLISH = "english", "English"
    MATHS = "maths", "Maths"
    SCIENCE = "science", "Science"
    HISTORY = "history", "History"
    GEOGRAPHY = "geography", "Geography"
    ART = "art", "Art and design"
    MUSIC = "music", "Music"
    PE = "pe", "PE"
    COMPUTING = "computing", "Computing"
    RE = "re", "Religious education"
    LANGUAGES = "languages", "Languages"


class Term(models.TextChoices):
    AUTUMN = "autumn", "Autumn"
    SPRING = "spring", "Spring"
    SUMMER = "summer", "Summer"


class Grade(ConfidentialModel):
    """The result of one assessment (a test, a teacher assessment) for one child. The result and
    comment are encrypted: a child's attainment is personal information (P6, P13)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="grades")
    subject = models.CharField(max_length=20, choices=Subject.choices)
    assessment = models.CharField(max_length=200, help_text="For example: “Spring reading test”.")
    result = EncryptedCharField("grade or result", help_text="For example: “Expected” or “27/30”.")
    comment = EncryptedTextField("comment")
    term = models.CharField(max_length=10, choices=Term.choices)
    assessed_on = models.DateField("date")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    permissions_from = "student"

    class Meta:
        ordering = ["-assessed_on", "subject"]

    def __str__(self):
        return f"{self.get_subject_display()}: {self.assessment}"


class ProgressNote(ConfidentialModel):
    """A teacher's note on how a child is getting on in a subject, shared with the parents."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="progress_notes")
    subject = models.CharField(max_length=20, choices=Subject.choices)
    text = EncryptedTextField("note")
    written_on = models.DateField("date", default=timezone.localdate)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    permissions_from = "student"

    class Meta:
        ordering = ["-written_on", "-created_at"]

    def __str__(self):
        return f"Progress in {self.get_subject_display()}, {self.written_on:%d %b %Y}"


# P13: only these kinds of file are accepted, recognised by their first bytes.
WORK_FILE_TYPES = ("application/pdf", "image/jpeg", "image/png")
MAX_WORK_FILE_BYTES = 10 * 1024 * 1024


class WorkItemQuerySet(models.QuerySet):
    def without_content(self):
        """Lists never load (or decrypt) the files themselves."""
        return self.defer("content")


class WorkItem(ConfidentialModel):
    """A page of a child's book or a piece of work, uploaded as a PDF or picture. The file is
    stored encrypted and only ever served through the audited download (P6, P13)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="work_items")
    title = models.CharField(max_length=200)
    subject = models.CharField(max_length=20, choices=Subject.choices)
    content_type = models.CharField(max_length=50, editable=False)
    size = models.PositiveIntegerField(editable=False)
    # The name the file had on the uploader's computer often names the child ("Maya Q reading
    # record.pdf"): encrypted like the file (downloads are named from the title instead).
    original_name = EncryptedCharField("original file name", editable=False)
    content = EncryptedBinaryField("file")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = WorkItemQuerySet.as_manager()
    permissions_from = "student"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @property
    def extension(self) -> str:
        return extension_for(self.content_type)

    @property
    def download_name(self) -> str:
        safe = "".join(c if c.isalnum() or c in " -_" else "_" for c in self.title).strip()
        return f"{safe or 'work'}{self.extension}"

    @classmethod
    def from_upload(cls, *, student, title, subject, data: bytes, name: str = "", by=None):
        """A new piece of work from uploaded bytes, checked by content: only PDF, JPEG or PNG,
        at most 10 MB (not saved)."""
        content_type = check_upload(
            data,
            allowed=WORK_FILE_TYPES,
            max_bytes=MAX_WORK_FILE_BYTES,
            hint="Scan or photograph the work and save it as one of those.",
        )
        return cls(
            student=student,
            title=title,
            subject=subject,
            content_type=content_type,
            size=len(data),
            original_name=(name or "")[:200],
            content=data,
            uploaded_by=by,
        )


register_confidential(Grade)
register_confidential(ProgressNote)
# The file itself never goes near the change log, not even masked (it would be read to diff).
register_confidential(WorkItem, mask_fields=["original_name"], exclude_fields=["content"])
