"""What parents allow: photographs per purpose (P15) and discussing their child's case with a
class (P24). Both are decided by a parent or carer with parental responsibility, in the portal."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from confidentiality.audit import register_confidential
from confidentiality.crypto.fields import EncryptedTextField
from confidentiality.models import ConfidentialModel

from .families import ParentLink
from .people import Student, TeachingGroup


class PhotoPurpose(models.TextChoices):
    DISPLAYS = "displays", "School displays"
    WEBSITE = "website", "School website"
    SOCIAL_MEDIA = "social_media", "School social media"
    PRESS = "press", "Newspapers and press"
    EXTERNAL_EVENTS = "external_events", "External events"


def _require_responsibility(user, student) -> None:
    if not ParentLink.has_responsibility(user, student):
        raise ValidationError(
            "Only a parent or carer with parental responsibility can decide this. "
            "Please contact the school office."
        )


def _names(students) -> str:
    return ", ".join(sorted(str(s) for s in students))


class PhotoConsentQuerySet(models.QuerySet):
    def given(self):
        return self.filter(given=True)


class PhotoConsent(ConfidentialModel):
    """A parent's decision about photographs of their child for one purpose (P15). No decision
    means no consent: the school may not use a photograph until a parent has said yes. The
    change log keeps every earlier decision with who made it and when."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="photo_consents")
    purpose = models.CharField(max_length=20, choices=PhotoPurpose.choices)
    given = models.BooleanField()
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = PhotoConsentQuerySet.as_manager()
    permissions_from = "student"

    class Meta:
        ordering = ["student", "purpose"]
        constraints = [
            models.UniqueConstraint(fields=["student", "purpose"], name="one_consent_per_purpose")
        ]

    def __str__(self):
        verb = "given" if self.given else "withdrawn"
        return f"{self.get_purpose_display()}: {verb}"

    @classmethod
    @transaction.atomic
    def decide(cls, *, student, purpose: str, given: bool, by) -> "PhotoConsent":
        """Give or withdraw consent for one purpose; only with parental responsibility (P15)."""
        _require_responsibility(by, student)
        if purpose not in PhotoPurpose.values:
            raise ValidationError("Choose what the photographs would be used for.")
        consent = cls.objects.select_for_update().filter(student=student, purpose=purpose).first()
        consent = consent or cls(student=student, purpose=purpose)
        consent.given = given
        consent.decided_at = timezone.now()
        consent.decided_by = by
        consent.save()
        return consent

    @staticmethod
    def lacking(students, purpose: str):
        """Of these students, those who must NOT be photographed for ``purpose`` (P15)."""
        allowed = PhotoConsent.objects.given().filter(purpose=purpose).values("student")
        return students.exclude(pk__in=allowed)

    @staticmethod
    def for_student(student) -> list[dict]:
        """Every purpose with this child's current decision (None: nobody has decided yet)."""
        decided = {c.purpose: c for c in student.photo_consents.all()}
        return [
            {"purpose": p, "label": p.label, "consent": decided.get(p.value)} for p in PhotoPurpose
        ]


class PhotoUse(ConfidentialModel):
    """A photograph of pupils the school used for a purpose (a display, the website). It can
    only be recorded when every child in it has consent for that purpose (P15)."""

    description = models.CharField(max_length=200, help_text="For example: “Sports day relay”.")
    purpose = models.CharField(max_length=20, choices=PhotoPurpose.choices)
    used_on = models.DateField(default=timezone.localdate)
    students = models.ManyToManyField(Student, related_name="photo_uses")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-used_on", "-created_at"]

    def __str__(self):
        return f"{self.description} ({self.get_purpose_display()})"

    @classmethod
    @transaction.atomic
    def record(cls, *, purpose: str, students, description: str, by, used_on=None) -> "PhotoUse":
        """Record the use, refusing (and naming the children) if any lacks consent (P15)."""
        students = Student.objects.filter(pk__in=[s.pk for s in students])
        if not students.exists():
            raise ValidationError("Choose the pupils who are in the photograph.")
        missing = list(PhotoConsent.lacking(students, purpose))
        if missing:
            label = PhotoPurpose(purpose).label.lower()
            raise ValidationError(
                f"This photograph cannot be used for {label}: there is no parental consent "
                f"for {_names(missing)}."
            )
        use = cls.objects.create(
            purpose=purpose,
            description=description,
            used_on=used_on or timezone.localdate(),
            recorded_by=by,
        )
        use.students.set(students)
        return use


class DiscussionPermissionQuerySet(models.QuerySet):
    def awaiting_answer(self):
        return self.filter(answer=DiscussionPermission.Answer.PENDING)


class DiscussionPermission(ConfidentialModel):
    """Permission from the parents before a child's case is discussed with a class (P24): staff
    ask, saying what would be discussed and with which class; a parent with parental
    responsibility answers yes or no in the portal; the discussion may only be marked as held
    after a yes."""

    class Answer(models.TextChoices):
        PENDING = "pending", "Waiting for the parents"
        GRANTED = "granted", "Yes"
        REFUSED = "refused", "No"

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="discussion_permissions"
    )
    teaching_group = models.ForeignKey(
        TeachingGroup, on_delete=models.PROTECT, related_name="+", verbose_name="class"
    )
    topic = EncryptedTextField(
        "what would be discussed",
        help_text="The parents read this. Say what the class would be told, and why.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answer = models.CharField(max_length=10, choices=Answer.choices, default=Answer.PENDING)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = DiscussionPermissionQuerySet.as_manager()
    permissions_from = "student"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Discussing {self.student}'s case with {self.teaching_group}"

    @property
    def is_pending(self) -> bool:
        return self.answer == self.Answer.PENDING

    @property
    def may_answer(self) -> bool:
        return self.used_at is None

    def respond(self, *, by, granted: bool) -> None:
        """The parents' answer (P24). It can be changed until the discussion has happened."""
        _require_responsibility(by, self.student)
        if not self.may_answer:
            raise ValidationError("The discussion has already taken place.")
        self.answer = self.Answer.GRANTED if granted else self.Answer.REFUSED
        self.answered_by = by
        self.answered_at = timezone.now()
        self.save()

    def mark_used(self, *, by) -> None:
        """Record that the case was discussed with the class — only after the parents said yes."""
        if self.answer != self.Answer.GRANTED:  # P24
            raise ValidationError(
                "The parents have not given permission: do not discuss this case with the class."
            )
        if self.used_at is not None:
            raise ValidationError("This discussion is already recorded as held.")
        self.used_at = timezone.now()
        self.used_by = by
        self.save()


register_confidential(PhotoConsent)
register_confidential(PhotoUse, m2m_fields={"students"})
register_confidential(DiscussionPermission)
