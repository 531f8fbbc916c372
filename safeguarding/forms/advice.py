"""Asking the safeguarding team for advice (P22): the question, the team's answer, and the
concern a request becomes."""

from django import forms

from confidentiality.forms.messages import says_what_is_missing
from records.models import Student

from ..models import AdviceRequest, Category, Concern
from .fields import (
    ACCOUNT_MAX,
    DATETIME,
    TEXT_MAX,
    StudentChoiceField,
    bounded,
    check_when,
    limit_length,
    may_choose_children,
)


@says_what_is_missing(
    question="Write your question",
)
class AdviceRequestForm(forms.ModelForm):
    student = StudentChoiceField(
        queryset=Student.objects.all(),
        required=False,
        label="Child",
        empty_label="No child in particular",
        help_text="Leave empty for a general question.",
    )

    class Meta:
        model = AdviceRequest
        fields = ["student", "question"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].widget.attrs["rows"] = 5
        self.fields["question"].help_text = (
            "A short question for the DSL and deputies. If a child may be at risk now, log a "
            "concern instead."
        )
        limit_length(self.fields["question"], TEXT_MAX)
        if not may_choose_children(user):
            # Until they sign the agreement, no list of the school's children: they name the
            # child in the question, if it is about one.
            del self.fields["student"]
            question = self.fields["question"]
            question.help_text += " If it is about a child, say who (their name and class)."


@says_what_is_missing(
    answer="Write your answer",
)
class AdviceAnswerForm(forms.Form):
    answer = bounded(TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}), label="Your answer")


@says_what_is_missing(
    student="Choose the child",
    category="Choose a category",
    urgency="Say how urgent it is",
    account="Say what was seen or said",
    happened_at="Give the date and time it was seen or said",
)
class ConvertAdviceForm(forms.Form):
    """The concern a request for advice becomes, prefilled from the question (P22)."""

    student = StudentChoiceField(
        queryset=Student.objects.all(), label="Child", empty_label="Choose a child"
    )
    category = forms.ChoiceField(choices=Category.choices)
    urgency = forms.ChoiceField(
        choices=Concern.Urgency.choices, initial=Concern.Urgency.ROUTINE, widget=forms.RadioSelect
    )
    account = bounded(
        ACCOUNT_MAX, widget=forms.Textarea(attrs={"rows": 5}), label="What was seen or said"
    )
    happened_at = forms.DateTimeField(widget=DATETIME, label="When")
    location = forms.CharField(max_length=200, required=False, label="Where")

    def clean_happened_at(self):
        return check_when(self.cleaned_data["happened_at"])
