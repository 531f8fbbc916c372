"""Training and sign-off (P9): the safeguarding team records a completed course; each person
confirms reading a policy."""

from django import forms

from confidentiality.forms import PersonChoiceField
from confidentiality.forms.messages import NOT_SENT_IN_FULL, says_what_is_missing

from ..models import Course, Policy, TrainingRecord
from ..models.training import people_who_train
from .fields import DATE


@says_what_is_missing(
    person="Choose who was trained",
    course="Choose the course",
    completed_on="Enter the date it was completed",
)
class TrainingRecordForm(forms.ModelForm):
    # Everyone who trains (P9); a queryset is evaluated per form, so the list is always current.
    person = PersonChoiceField(queryset=people_who_train(), label="Who")

    class Meta:
        model = TrainingRecord
        fields = ["person", "course", "title", "completed_on"]
        widgets = {"completed_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = Course.choices


@says_what_is_missing(
    policy=NOT_SENT_IN_FULL,
    confirm="Tick the box to confirm you have read the policy",
)
class PolicyReadingForm(forms.Form):
    policy = forms.ChoiceField(choices=Policy.choices, widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label="I have read this policy and understand what it asks of me", required=True
    )
