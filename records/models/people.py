from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from confidentiality.audit import register_confidential
from confidentiality.crypto.blind_index import BlindIndexField
from confidentiality.crypto.fields import EncryptedCharField, EncryptedDateField
from confidentiality.models import ConfidentialModel
from confidentiality.roles import Role


class Student(ConfidentialModel):
    """A child on roll. Name, year and UPN are everyday school data; date of birth and NHS number
    are personal information and are encrypted (P6). Who may open which part of the record is
    decided by the access policy from these permissions (P5)."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    year_group = models.PositiveSmallIntegerField()
    upn = models.CharField("unique pupil number", max_length=13, unique=True)
    date_of_birth = EncryptedDateField("date of birth")
    nhs_number = EncryptedCharField("NHS number")
    nhs_number_index = BlindIndexField(source="nhs_number")

    # What an emergency (break-glass) opening gives: the everyday record, medical and SEN
    # sections, and who to call (the parents and carers); never social-services or family
    # detail, nor the child's learning (P10, M4; see ``records.policy``).
    break_glass_permissions = ("view_student", "view_medical", "view_send", "view_parentlink")

    class Meta:
        ordering = ["last_name", "first_name"]
        # The student list pages through every child the reader may open in this order: on a
        # school of tens of thousands, read from the index, never sorted whole for each page.
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="student_list_order")
        ]
        permissions = [
            ("view_medical_summary", "See allergies and emergency steps"),
            ("view_medical", "See the full medical record"),
            ("view_send", "See SEN support"),
            ("view_family", "See personal and family circumstances"),
            ("view_social_services", "See social-services involvement"),
            ("view_protected", "See protected characteristics"),
            ("record_learning", "Record grades, progress notes and work"),
            ("work_with_family", "Answer the family's requests and ask for their permission"),
            ("view_as_parent", "See as their parent or carer, in the parent portal"),
            ("change_medical", "Edit the medical record"),
            ("change_send", "Edit SEN support"),
            ("change_family", "Edit personal and family circumstances"),
            ("change_social_services", "Edit social-services involvement"),
            ("change_protected", "Edit protected characteristics"),
            ("import_mis", "Import students, contacts, classes and staff from the MIS"),
            ("assign_support", "Assign teaching assistants and health professionals"),
            ("share_family", "Share personal and family circumstances with a member of staff"),
            ("end_parent_link", "End a parent or carer's link to the child"),
        ]

    def __str__(self):
        return f"{self.preferred_name or self.first_name} {self.last_name}"

    @classmethod
    def find_by_nhs_number(cls, value: str):
        field = cls._meta.get_field("nhs_number_index")
        return cls.objects.filter(nhs_number_index=field.digest_for(value))

    def record_sections_visible_to(self, user) -> list:
        """The sections of this record the person may read, each trimmed to what they may see."""
        from records.models.sections import visible_sections

        return visible_sections(self, user)


class TeachingGroup(models.Model):
    """A class or teaching group. Its staff see the everyday record of its students (P5)."""

    name = models.CharField(max_length=100, unique=True)
    year_group = models.PositiveSmallIntegerField()
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="teaching_groups", blank=True
    )
    students = models.ManyToManyField(Student, related_name="teaching_groups", blank=True)

    class Meta:
        ordering = ["year_group", "name"]

    def __str__(self):
        return self.name


class SupportAssignment(models.Model):
    """A named adult assigned to one child: a teaching assistant, or a health professional (P25)."""

    class Kind(models.TextChoices):
        TEACHING_ASSISTANT = "teaching_assistant", "Teaching assistant"
        HEALTH_PROFESSIONAL = "health_professional", "Health professional"

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_assignments"
    )
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="support")
    kind = models.CharField(max_length=30, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "student", "kind"], name="one_assignment")
        ]

    def __str__(self):
        return f"{self.staff} – {self.get_kind_display()} for {self.student}"

    # The role a person must hold to be assigned as each kind (P25: only a health professional
    # is a child's health professional; a teacher recorded as a nurse would gain nothing anyway).
    ROLE_FOR_KIND = {
        Kind.TEACHING_ASSISTANT: Role.TEACHING_ASSISTANT,
        Kind.HEALTH_PROFESSIONAL: Role.HEALTH_PROFESSIONAL,
    }

    @classmethod
    def check_fits(cls, *, staff, kind: str, by=None) -> None:
        """Refuse an assignment the school's rules do not allow, saying why (P10, P25)."""
        kind = cls.Kind(kind)
        if not staff.is_active:
            raise ValidationError(f"{staff} no longer has an active account.")
        if not staff.has_role(cls.ROLE_FOR_KIND[kind]):
            raise ValidationError(
                f"{staff} does not hold the {kind.label.lower()} role, so cannot be assigned "
                f"as one."
            )
        if by is not None and by.pk == staff.pk:
            # P10: access comes from someone else's decision, never one's own.
            raise ValidationError("You cannot assign yourself; ask a colleague to do it.")

    # An assignment opens the child's medical record (a health professional) or their SEN
    # support (a teaching assistant sees what the class teacher sees): an appointed person's
    # decision (``policy.may_assign_support``), made with a verified second factor (H1, P5,
    # P25). There is no SENCo role.

    @classmethod
    def check_decider(cls, by) -> None:
        """Refuse unless ``by`` may decide an assignment now: the DSL, a deputy DSL or the head
        teacher, signed in with a verified second factor (a command line never is)."""
        from records.policy import may_assign_support

        if by is None or not by.is_active or not may_assign_support(by):
            raise ValidationError(
                "Only the DSL or the head teacher can assign someone to a child, because it "
                "opens the child's medical or SEN record."
            )
        verified = getattr(by, "is_verified", None)
        if not (callable(verified) and verified()):
            raise ValidationError(
                "Assigning someone to a child needs a verified two-factor sign-in: do it on the "
                "child's page or the import page in the browser."
            )

    @classmethod
    def assign(cls, *, student, staff, kind: str, by) -> tuple["SupportAssignment", bool]:
        """Assign ``staff`` to ``student`` as a teaching assistant or health professional, as
        decided by ``by`` (see ``check_decider``).

        Returns ``(assignment, created)``; assigning again changes nothing. The grants follow
        from the relationship (``records.grants``): a TA sees what a class teacher sees, a
        health professional the medical record (P5, P25)."""
        cls.check_fits(staff=staff, kind=kind, by=by)
        cls.check_decider(by)
        from .families import ParentLink

        if ParentLink.objects.is_own_child(by, student):  # their own parent accounts (P10)
            raise ValidationError(
                "You are linked to this child as a parent or carer; ask a colleague to do it."
            )
        return cls.objects.get_or_create(student=student, staff=staff, kind=kind)

    def end(self) -> None:
        """End this assignment; the grants it gave are removed with it (P5)."""
        self.delete()


# The name and pupil number are plain columns: the change log says they changed, never to what.
register_confidential(Student, mask_fields=["first_name", "last_name", "preferred_name", "upn"])
register_confidential(TeachingGroup, m2m_fields={"staff", "students"})
register_confidential(SupportAssignment)
