"""What a parent or carer fills in in the portal: asking to meet (P7), answering a request to
discuss their child's case with a class (P24), giving or withdrawing photograph consent (P15)."""

from django import forms

from confidentiality.forms.messages import says_what_is_missing

from ..models import MeetingRequest, PhotoPurpose


class MeetingRequestForm(forms.ModelForm):
    class Meta:
        model = MeetingRequest
        fields = ["topic", "preferred_times", "details"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].required = True
        self.fields["topic"].error_messages["required"] = "Say what you would like to talk about"
        self.fields["preferred_times"].required = True
        self.fields["preferred_times"].error_messages["required"] = "Say when you could meet"
        self.fields["details"].required = False


@says_what_is_missing(
    granted="Choose yes or no",
)
class DiscussionAnswerForm(forms.Form):
    granted = forms.TypedChoiceField(
        label="May the school discuss this with the class?",
        choices=[("yes", "Yes, you may"), ("no", "No, please do not")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


@says_what_is_missing(
    purpose="Choose what the photographs are used for",
    given="Choose whether you agree",
)
class PhotoDecisionForm(forms.Form):
    purpose = forms.ChoiceField(choices=PhotoPurpose.choices)
    given = forms.TypedChoiceField(
        choices=[("yes", "Give consent"), ("no", "Withdraw consent")],
        coerce=lambda value: value == "yes",
    )
