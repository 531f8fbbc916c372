"""Asking the safeguarding team for advice (P22): a short question that reaches the team without
opening a full concern, answered in the app, and turned into a concern if it needs to be."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from confidentiality.audit import register_confidential
from confidentiality.crypto.blind_index import AfterFetchQuerySet, BlindLink, BlindRefField
from confidentiality.crypto.fields import EncryptedCharField, EncryptedTextField
from confidentiality.models import ConfidentialModel

from .concerns import Concern


class AdviceRequestQuerySet(AfterFetchQuerySet):
    def asked_by(self, user):
        return self.filter(asked_by=user)

    def unanswered(self):
        return self.filter(answered_at__isnull=True, concern__isnull=True)

    def with_students(self):
        """Lists that name each request's child: one query for all the children."""
        return self.loading(AdviceRequest.student.load)


class AdviceRequest(ConfidentialModel):
    """“Can I ask you about…?” — a question to the DSL and deputies, with an optional child.

    The question and the answer are encrypted (P6). The asker reads the answer in "My requests";
    they never see what the team did next beyond "it became a concern". The child, if any, is a
    blind link: a copy of the database cannot tell whom a question was about.
    """

    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="advice_requests"
    )
    student_ref = BlindRefField()
    student_key = EncryptedCharField("child")
    student = BlindLink("records.Student", null=True)
    question = EncryptedTextField("your question", blank=False)
    answer = EncryptedTextField("answer")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # Set when the team decided the question was a concern and logged it as one.
    concern = models.OneToOneField(
        Concern,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="from_advice_request",
    )

    objects = AdviceRequestQuerySet.as_manager()
    audit_subject_blind = True

    class Meta:
        ordering = ["-created_at"]
        permissions = [("answer_advicerequest", "Answer requests for advice")]

    def __str__(self):
        return f"Request for advice {self.reference}"

    @property
    def reference(self) -> str:
        return "A-" + str(self.pk).split("-")[0].upper()

    def audit_subject(self):
        return AdviceRequest.student.stand_in(self) or self.asked_by

    @property
    def student_id(self):
        return AdviceRequest.student.pk_of(self)

    @property
    def status(self) -> str:
        if self.concern_id:
            return "Became a concern"
        return "Answered" if self.answered_at else "Waiting for the safeguarding team"

    def give_answer(self, by, text: str, now=None) -> None:
        """The team's answer, which the asker reads in "My requests"."""
        if not (text or "").strip():
            raise ValidationError({"answer": "Write an answer for the person who asked."})
        self.answer = text.strip()
        self.answered_by = by
        self.answered_at = now or timezone.now()
        self.save()


register_confidential(AdviceRequest)
