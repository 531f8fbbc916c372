"""Breaking confidentiality (P2): information about a child shared with another agency.

The policy says the student and the parents are told first and then supported. A share can
only be recorded once both are recorded as told, or with the DSL's reason why telling them
would put the child at risk. Parents who were told get a notice in their portal (never the
content), kept with the share itself so that no row links the child to it; a support action for
the student follows on the concern. A referral about a child is a share too: it follows the same
rule (``check_told_first``) and, once made, records one of these per child it is about
(``InformationShare.referral``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from confidentiality.audit import register_confidential
from confidentiality.crypto.blind_index import AfterFetchQuerySet, BlindLink, BlindRefField
from confidentiality.crypto.fields import EncryptedCharField, EncryptedTextField
from confidentiality.models import ConfidentialModel

from .concerns import Concern


class LawfulBasis(models.TextChoices):
    """UK GDPR Article 6: why the school may share personal information at all."""

    PUBLIC_TASK = "6_1_e", "UK GDPR Art 6(1)(e) – public task"
    LEGAL_OBLIGATION = "6_1_c", "UK GDPR Art 6(1)(c) – legal obligation"
    VITAL_INTERESTS = "6_1_d", "UK GDPR Art 6(1)(d) – vital interests"
    CONSENT = "6_1_a", "UK GDPR Art 6(1)(a) – consent"


class SpecialCategoryCondition(models.TextChoices):
    """UK GDPR Article 9: the extra condition when health, sex life or similar is shared."""

    NONE = "none", "No special category information shared"
    SAFEGUARDING = (
        "9_2_g_sch1_18",
        "Art 9(2)(g) substantial public interest – safeguarding of children "
        "(DPA 2018 Sch 1 para 18)",
    )
    VITAL_INTERESTS = "9_2_c", "Art 9(2)(c) – vital interests"
    EXPLICIT_CONSENT = "9_2_a", "Art 9(2)(a) – explicit consent"


TOLD_FIRST = (
    "The student and the parents must be told first. If telling them would put the child at "
    "risk, record why."
)


def check_told_first(student_told, parents_told, reason_not_told) -> None:
    """P2, the one rule for every share (an information share or a referral about a child): the
    student and the parents were told first, or the DSL recorded why telling them would put the
    child at risk. The refusal lands on the reason's field."""
    if not (student_told and parents_told) and not (reason_not_told or "").strip():
        raise ValidationError({"reason_not_told": TOLD_FIRST})


class InformationShareQuerySet(AfterFetchQuerySet):
    def about(self, student):
        return self.filter(**InformationShare.student.lookup(student))

    def with_students(self):
        """Lists that name each share's child: one query for all the children."""
        return self.loading(InformationShare.student.load)


class InformationShare(ConfidentialModel):
    """A record that the school passed information about a child to someone outside it (P2).

    What was shared and with whom are encrypted (P6). The agency's name is what the parent
    notice mentions; never what was shared. The child is a blind link (a keyed reference and
    their key sealed to this row), so a copy of the database cannot tell whose information was
    shared.
    """

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="shares")
    # A referral about a child is a share (P2): the share it recorded, one per child it is about.
    referral = models.ForeignKey(
        "safeguarding.Referral",
        # The fact that information was shared outlives the referral's row.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shares",
    )
    student_ref = BlindRefField(blank=False)
    student_key = EncryptedCharField("child")
    student = BlindLink("records.Student")
    shared_on = models.DateField("date shared", default=timezone.localdate)
    agency = EncryptedCharField("agency", blank=False)
    recipient = EncryptedCharField("person it was shared with", blank=False)
    what_was_shared = EncryptedTextField("what was shared", blank=False)
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices)
    special_category = models.CharField(
        "special category condition",
        max_length=20,
        choices=SpecialCategoryCondition.choices,
        default=SpecialCategoryCondition.NONE,
    )
    # P2: told first, unless telling them would put the child at risk (and then why).
    student_told = models.BooleanField("the student was told first", default=False)
    parents_told = models.BooleanField("the parents were told first", default=False)
    reason_not_told = EncryptedTextField("why telling them would put the child at risk")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    parents_notified_at = models.DateTimeField(null=True, blank=True)
    # P2: what parents with parental responsibility read in the portal ("we have shared
    # information about ..."), never what was shared. Kept here, not as a records notice: a
    # notice row would join the child to the share in a copy of the database (H3).
    parent_notice_title = EncryptedCharField("notice to the parents: title")
    parent_notice_body = EncryptedTextField("notice to the parents")

    objects = InformationShareQuerySet.as_manager()
    audit_subject_blind = True

    class Meta:
        ordering = ["shared_on", "created_at"]

    def __str__(self):
        # Also the audit trail's label: no child's name, no agency, nothing of the content.
        return f"Information share {self.reference}"

    @property
    def reference(self) -> str:
        return "S-" + str(self.pk).split("-")[0].upper()

    def audit_subject(self):
        return InformationShare.student.stand_in(self) or self

    @property
    def everyone_told(self) -> bool:
        return self.student_told and self.parents_told

    def clean(self):
        # P2: no share without telling the student and parents first, or a written reason.
        check_told_first(self.student_told, self.parents_told, self.reason_not_told)
        named = self.concern_id and InformationShare.student.pk_of(self)
        if named and str(named) not in self.concern.student_pks():
            raise ValidationError({"student": "Choose a child named in this concern."})


register_confidential(InformationShare)
