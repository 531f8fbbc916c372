"""A child's safeguarding profile: where the child stands with children's services and who is
involved (P3, P5). The safeguarding team's alone, behind the second factor, every look audited.

- **statuses**, each with the date it began and, once over, the date it ended: a child
  protection plan (with its category), child in need, looked after, early help, an EHCP, young
  carer, privately fostered; and each Operation Encompass notification from the police, dated;
- **key adults and agencies** involved with the child (the social worker, a police contact, the
  school nurse...) with how to reach them.

Who a row is about is a blind link (``student_ref`` to find a child's rows, ``student_key``
sealed to the row to show them), never a plain key: a copy of the database shows that some
child is on a plan, never which one (``safeguarding/models/__init__.py``). The kind of status,
its category and its dates stay plain, as a concern's category does: statistics once nobody can
be joined to them. Everything else (notes, names, telephone numbers, addresses) is encrypted.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from confidentiality.audit import register_confidential
from confidentiality.crypto.blind_index import AfterFetchQuerySet, BlindLink, BlindRefField
from confidentiality.crypto.fields import EncryptedCharField, EncryptedTextField
from confidentiality.models import ConfidentialModel


class PlanCategory(models.TextChoices):
    """The categories of a child protection plan (Working Together to Safeguard Children)."""

    PHYSICAL = "physical", "Physical abuse"
    EMOTIONAL = "emotional", "Emotional abuse"
    SEXUAL = "sexual", "Sexual abuse"
    NEGLECT = "neglect", "Neglect"


class StatusQuerySet(AfterFetchQuerySet):
    def about(self, student):
        return self.filter(**SafeguardingStatus.student.lookup(student))

    def current(self, today=None):
        """In force today: begun, and not ended (an end date in the future is still running)."""
        today = today or timezone.localdate()
        return self.filter(started_on__lte=today).filter(
            models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=today)
        )

    def ended(self, today=None):
        return self.filter(ended_on__lte=today or timezone.localdate())


class SafeguardingStatus(ConfidentialModel):
    """One status of a child, from the day it began to the day it ended (blank: still running).

    An Operation Encompass notification is an event, not a state: its ``started_on`` is the day
    the police told the school, and it never ends."""

    class Kind(models.TextChoices):
        CHILD_PROTECTION_PLAN = "cp_plan", "Child protection plan"
        CHILD_IN_NEED = "cin", "Child in need"
        LOOKED_AFTER = "lac", "Looked-after child"
        EARLY_HELP = "early_help", "Early help"
        EHCP = "ehcp", "Education, health and care plan (EHCP)"
        YOUNG_CARER = "young_carer", "Young carer"
        PRIVATELY_FOSTERED = "private_fostering", "Privately fostered"
        OPERATION_ENCOMPASS = "encompass", "Operation Encompass notification"

    # In the order the profile and the student record's flag name them: the most serious first.
    ORDER = [k.value for k in Kind]
    EVENTS = frozenset({Kind.OPERATION_ENCOMPASS})

    student_ref = BlindRefField(blank=False)
    student_key = EncryptedCharField("child")
    student = BlindLink("records.Student")
    kind = models.CharField("status", max_length=20, choices=Kind.choices)
    plan_category = models.CharField(
        "category of the plan", max_length=10, choices=PlanCategory.choices, blank=True
    )
    started_on = models.DateField("since")
    ended_on = models.DateField("ended", null=True, blank=True)
    note = EncryptedTextField("note")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = StatusQuerySet.as_manager()
    audit_subject_blind = True

    class Meta:
        ordering = ["-started_on", "-created_at"]
        verbose_name_plural = "safeguarding statuses"

    def __str__(self):
        # Also the audit trail's label: what kind of status, never whose.
        return f"Safeguarding status: {self.get_kind_display()}"

    def audit_subject(self):
        return SafeguardingStatus.student.stand_in(self) or self

    @property
    def is_event(self) -> bool:
        return self.kind in self.EVENTS

    @property
    def label(self) -> str:
        """The status as the profile names it, e.g. "Child protection plan (neglect)"."""
        if self.kind == self.Kind.CHILD_PROTECTION_PLAN and self.plan_category:
            return f"{self.get_kind_display()} ({self.get_plan_category_display().lower()})"
        return str(self.get_kind_display())

    def clean(self):
        errors = {}
        if self.kind == self.Kind.CHILD_PROTECTION_PLAN and not self.plan_category:
            errors["plan_category"] = "Choose the category of the child protection plan."
        if self.kind != self.Kind.CHILD_PROTECTION_PLAN and self.plan_category:
            errors["plan_category"] = "Only a child protection plan has a category."
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = "The end date is before the start date."
        if self.is_event and self.ended_on:
            errors["ended_on"] = "A notification is a single event: leave the end date blank."
        if errors:
            raise ValidationError(errors)

    def end(self, on) -> None:
        """The status ended on ``on`` (kept, as part of the child's history)."""
        if self.is_event:
            raise ValidationError("A notification is a single event and does not end.")
        if on < self.started_on:
            raise ValidationError({"ended_on": "The end date is before the start date."})
        self.ended_on = on
        self.save()


class KeyContactQuerySet(AfterFetchQuerySet):
    def about(self, student):
        return self.filter(**KeyContact.student.lookup(student))

    def involved(self):
        return self.filter(ended_on__isnull=True)


class KeyContact(ConfidentialModel):
    """An adult or agency involved with the child, and how to reach them: whom the DSL calls."""

    class Role(models.TextChoices):
        SOCIAL_WORKER = "social_worker", "Social worker"
        TEAM_MANAGER = "team_manager", "Social work team manager"
        POLICE = "police", "Police contact"
        SCHOOL_NURSE = "school_nurse", "School nurse"
        HEALTH_VISITOR = "health_visitor", "Health visitor"
        EARLY_HELP = "early_help", "Early help / family support worker"
        VIRTUAL_SCHOOL = "virtual_school", "Virtual school head"
        CAMHS = "camhs", "CAMHS"
        YOUTH_JUSTICE = "youth_justice", "Youth justice worker"
        OTHER = "other", "Other"

    student_ref = BlindRefField(blank=False)
    student_key = EncryptedCharField("child")
    student = BlindLink("records.Student")
    role = models.CharField(max_length=20, choices=Role.choices)
    name = EncryptedCharField("name", blank=False)
    organisation = EncryptedCharField("organisation or team")
    phone = EncryptedCharField("telephone")
    email = EncryptedCharField("email")
    notes = EncryptedTextField("notes (when to call, secure email, reference)")
    # No longer involved: kept, so that the history says who was.
    ended_on = models.DateField("no longer involved from", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = KeyContactQuerySet.as_manager()
    audit_subject_blind = True

    class Meta:
        ordering = ["role", "created_at"]

    def __str__(self):
        # Also the audit trail's label: the role only, never the person or the child.
        return f"Key contact: {self.get_role_display()}"

    def audit_subject(self):
        return KeyContact.student.stand_in(self) or self

    def clean(self):
        if not ((self.phone or "").strip() or (self.email or "").strip()):
            raise ValidationError(
                {"phone": "Give a telephone number or an email address, so they can be reached."}
            )


register_confidential(SafeguardingStatus)
register_confidential(KeyContact)
