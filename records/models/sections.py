from dataclasses import dataclass

from auditlog.receivers import log_create
from django.conf import settings
from django.db import models
from django.db.models.signals import post_save

from confidentiality.audit import register_confidential
from confidentiality.crypto.fields import EncryptedJSONField, EncryptedTextField
from confidentiality.crypto.keyring import keyring
from confidentiality.crypto.sealing import sealing_key_id
from confidentiality.models import ConfidentialModel

from ..policy import MEDICAL_SUMMARY, sections_read_by
from .people import Student


class NotesField(EncryptedTextField):
    """Encrypted text sealed even when empty: a copy of the database must not tell a section
    with notes from one without (an empty value would otherwise be stored as NULL)."""

    def seal(self, value, instance):
        if value is None or value == "":
            self._refuse_replacing_unreadable(instance)
            ring = keyring()
            return ring.seal("", self.context(instance), sealing_key_id(ring))
        return super().seal(value, instance)


class RecordSection(ConfidentialModel):
    """One part of a student's confidential record, encrypted whole (P6), with its own audience.

    ``details`` holds the section's named entries (see ``SECTION_FIELDS``); ``notes`` free text.
    Every child has one section of every kind from the day they are added (``start_sections``),
    empty until something is recorded: which rows exist says nothing about a child (a copy of
    the database would otherwise show who has social-services involvement). "Something is
    recorded" is a matter of content (``has_content``), never of a row existing.
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
    notes = NotesField("notes")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["student", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["student", "kind"], name="one_section_per_kind")
        ]

    def __str__(self):
        # What the audit log keeps as the entry's label, for ever: never the child with the kind
        # ("Social-services involvement – Aisha Ahmed" would say it to any copy of the log). The
        # trail names the section in words for a reader who may read it (``audit_words``).
        return f"Record section {str(self.pk)[:8]}"

    @property
    def has_content(self) -> bool:
        """Something is recorded in this section: an entry or notes."""
        return any((self.details or {}).values()) or bool((self.notes or "").strip())

    def save(self, *args, **kwargs):
        """Save; a new section object of a kind the child already has writes into that section
        (every child has every section, ``start_sections``), never a second one."""
        if self._state.adding and self.student_id and self.kind:
            existing = (
                RecordSection.objects.filter(student_id=self.student_id, kind=self.kind)
                .values_list("pk", "created_at", "seal_version")
                .first()
            )
            if existing is not None:
                self.pk, self.created_at, self.seal_version = existing
                self._state.adding = False
        super().save(*args, **kwargs)

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
    # None when nothing this reader sees of the section is recorded ("Nothing recorded").
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
        entries = [(label, details.get(key, "")) for key, label in names]
        notes = (section.notes or "") if (section and full) else ""
        # Recorded for this reader: what they see holds something (a teacher who reads the
        # medical summary is not told that other medical entries exist).
        recorded = any(value for _, value in entries) or bool(notes.strip())
        shown.append(
            VisibleSection(
                kind=kind,
                label=kind.label,
                entries=entries,
                notes=notes,
                summary_only=not full,
                section=section if recorded else None,
            )
        )
    return shown


def start_sections(students) -> list[RecordSection]:
    """Give each of ``students`` the sections of every kind they do not have yet, empty: one
    query to find what exists, one to create the rest, and one change entry for each new
    section (auditlog's own, as a save writes: who started it, its contents masked). Returns
    the sections created."""
    students = list(students)
    have = set(RecordSection.objects.filter(student__in=students).values_list("student_id", "kind"))
    missing = [
        RecordSection(student=student, kind=kind, details={}, notes="")
        for student in students
        for kind in RecordSection.Kind
        if (student.pk, kind.value) not in have
    ]
    created = RecordSection.objects.bulk_create(missing)
    for section in created:
        log_create(sender=RecordSection, instance=section, created=True)
    return created


def _start_the_record(sender, instance, created, raw=False, **kwargs):
    """A child added to the school (by hand, by the MIS import or the demo) has every section
    of the record from the start."""
    if created and not raw:
        start_sections([instance])


post_save.connect(_start_the_record, sender=Student, dispatch_uid="records-start-sections")


register_confidential(RecordSection)
