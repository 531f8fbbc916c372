"""Recording that confidentiality was broken (P2): the share, and whether the student and the
parents were told first. The rule lives on the model; the form shows its errors by the fields."""

from django import forms

from confidentiality.forms.messages import says_what_is_missing
from records.models import Student

from ..models import InformationShare
from .fields import (
    DATE,
    SHORT_MAX,
    TEXT_MAX,
    StudentChoiceField,
    limit_length,
    mark_reason_not_told,
)


@says_what_is_missing(
    student="Choose the child",
    shared_on="Enter the date it was shared",
    agency="Enter the agency it was shared with",
    recipient="Enter the person it was shared with",
    what_was_shared="Say what was shared",
    lawful_basis="Choose the lawful basis",
    special_category="Choose the special category condition",
)
class InformationShareForm(forms.ModelForm):
    """P2: what, with whom, on what basis, and whether the student and parents were told."""

    student = StudentChoiceField(queryset=Student.objects.none(), label="Child")

    class Meta:
        model = InformationShare
        fields = [
            "student",
            "shared_on",
            "agency",
            "recipient",
            "what_was_shared",
            "lawful_basis",
            "special_category",
            "student_told",
            "parents_told",
            "reason_not_told",
        ]
        widgets = {"shared_on": DATE}
        help_texts = {
            "parents_told": "Parents who were told get a notice in their portal (not what "
            "was shared).",
        }

    def __init__(self, *args, concern, **kwargs):
        super().__init__(*args, **kwargs)
        # Encrypted fields build their own form fields: adjust them here.
        self.fields["agency"].label = "Agency (e.g. Children's social care, Police)"
        self.fields["what_was_shared"].widget.attrs["rows"] = 3
        self.fields["reason_not_told"].widget.attrs["rows"] = 3
        self.fields["reason_not_told"].help_text = (
            "Only if the student or the parents were not told first: why telling them would "
            "put the child at risk."
        )
        self.instance.concern = concern
        self.fields["student"].queryset = concern.students()
        for name in ("agency", "recipient"):
            limit_length(self.fields[name], SHORT_MAX)
        for name in ("what_was_shared", "reason_not_told"):
            limit_length(self.fields[name], TEXT_MAX)
        mark_reason_not_told(self, True)

    def clean(self):
        cleaned = super().clean()
        # Not a model field (a blind link): hand it to the share before the model's own checks.
        if cleaned.get("student") is not None:
            self.instance.student = cleaned["student"]
        return cleaned
