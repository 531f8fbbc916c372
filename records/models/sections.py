from dataclasses import dataclass

from django.conf import settings
from django.db import models

from confidentiality.audit import register_confidential
from confidentiality.crypto.fields import EncryptedJSONField, EncryptedTextField
from confidentiality.models import ConfidentialModel

from ..policy import MEDICAL_SUMMARY, sections_read_by
from .people import Student


class RecordSection(ConfidentialModel):
    """One part of a student's confidential record, encrypted whole (P6), with its own audience.

    ``details`` holds the section's named entries (see ``SECTION_FIELDS``); ``notes`` free text.
    """

    class Kind(models.TextChoices):
        MEDICAL = "medical", "Medical"
        SEN = "sen", "SEN support"
        FAMILY = "family", "Personal and family circumstances"
        SOCIAL_SERVICES = "social_services", "Social-services involvement"
        PROTECTED = "protected", "Protected characteristics"

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    details = EncryptedJSONField("details", default=dict)
    notes = EncryptedTextField("notes")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["student", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["student", "kind"], name="one_section_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.student}"

    def audit_subject(self):
        return self.student


# The named entries of each section, in display order.
SECTION_FIELDS = {
    RecordSection.Kind.MEDICAL: [
        ("allergies", "Allergies"),
        ("emergency_steps", "What to do in an emergency"),
        ("conditions", "Conditions"),
        ("medication", "Medication"),
        ("care_plan", "Care plan"),
    ],
    RecordSection.Kind.SEN: [("need", "Area of need"), ("support", "Support in class")],
    RecordSection.Kind.FAMILY: [
        # The home address is family detail: who may know where a child lives is decided as for
        # the rest of the family's circumstances (a parent fleeing abuse, a placement).
        ("address", "Home address"),
        ("circumstances", "Circumstances"),
        ("contact", "Contact arrangements"),
    ],
    RecordSection.Kind.SOCIAL_SERVICES: [
        ("status", "Status (CIN / CP / LAC)"),
        ("social_worker", "Social worker"),
        ("local_authority", "Local authority"),
    ],
    RecordSection.Kind.PROTECTED: [
        ("gender", "Gender"),
        ("ethnicity", "Ethnicity"),
        ("religion", "Religion"),
        ("disability", "Disability"),
    ],
}


@dataclass
class VisibleSection:
    kind: str
    label: str
    entries: list[tuple[str, str]]
    notes: str
    summary_only: bool
    section: RecordSection | None


def visible_sections(student: Student, user) -> list[VisibleSection]:
    """The sections of the record this person reads, with the entries they read of each (who
    reads what is the policy's: ``policy.sections_read_by``)."""
    stored = {s.kind: s for s in student.sections.all()}
    shown = []
    for kind, full in sections_read_by(user, student).items():
        kind = RecordSection.Kind(kind)
        section = stored.get(kind)
        details = section.details if section else {}
        names = [
            (key, label) for key, label in SECTION_FIELDS[kind] if full or key in MEDICAL_SUMMARY
        ]
        shown.append(
            VisibleSection(
                kind=kind,
                label=kind.label,
                entries=[(label, details.get(key, "")) for key, label in names],
                notes=(section.notes or "") if (section and full) else "",
                summary_only=not full,
                section=section,
            )
        )
    return shown


register_confidential(RecordSection)
