"""The safeguarding team's forms for a meeting about a child and a decision not to refer."""

from django import forms
from django.utils import timezone

from confidentiality.forms.messages import says_what_is_missing

from ..models import CaseMeeting, Referral
from .casework import ConcernChoiceField
from .fields import ACCOUNT_MAX, DATE, DATETIME, TEXT_MAX, bounded, check_when


class SingleConcernChoiceField(forms.ModelChoiceField):
    label_from_instance = ConcernChoiceField.label_from_instance


@says_what_is_missing(
    kind="Choose the kind of meeting",
    held_at="Enter the date and time of the meeting",
    attendees="Say who attended",
    decisions="Write the decisions and actions agreed",
)
class MeetingForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("", "Choose the kind of meeting")] + CaseMeeting.Kind.choices,
        label="Kind of meeting",
    )
    held_at = forms.DateTimeField(widget=DATETIME, label="Date and time")
    concern = SingleConcernChoiceField(
        queryset=CaseMeeting.objects.none(),
        required=False,
        label="The concern it followed (if any)",
        empty_label="None in particular",
    )
    attendees = bounded(
        TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Who attended",
        help_text="Name, role and agency of each person; say who sent apologies.",
    )
    discussion = bounded(
        ACCOUNT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="What was discussed",
    )
    decisions = bounded(
        TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Decisions and actions agreed",
        help_text="E.g. “Child protection plan under the category of neglect; school to "
        "monitor attendance daily.”",
    )
    next_on = forms.DateField(widget=DATE, required=False, label="Next meeting")

    def __init__(self, *args, concerns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concern"].queryset = concerns

    def clean_held_at(self):
        return check_when(self.cleaned_data.get("held_at"))

    def clean(self):
        data = super().clean()
        held, next_on = data.get("held_at"), data.get("next_on")
        if held and next_on and next_on < timezone.localtime(held).date():
            self.add_error("next_on", "The next meeting is before this one.")
        return data


@says_what_is_missing(
    agency="Choose the referral considered",
    decided_on="Enter the date of the decision",
    reasoning="Give the reasons for not referring",
)
class DecisionNotToReferForm(forms.Form):
    agency = forms.ChoiceField(
        choices=[("", "Choose the referral you considered")] + Referral.Agency.choices,
        label="Referral considered",
    )
    decided_on = forms.DateField(widget=DATE, label="Date of the decision")
    reasoning = bounded(
        TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="The reasons for not referring",
        help_text="Keeping Children Safe in Education asks that the reasons be recorded: what "
        "you weighed, and what will happen instead (e.g. monitoring, early help).",
    )
    consulted = bounded(
        TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Advice taken, if any",
        help_text="E.g. the local authority's consultation line, and what they said.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate

    def clean_decided_on(self):
        value = self.cleaned_data.get("decided_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("This is in the future: when was it decided?")
        return value
