"""A class's photograph consent page (P15): recording that a photograph was used."""

from django import forms
from django.utils import timezone

from confidentiality.forms.messages import says_what_is_missing

from ..models import PhotoPurpose


@says_what_is_missing(
    description="Describe the photograph",
    purpose="Choose what the photograph is used for",
    used_on="Enter the date it is used",
    students="Choose the pupils in the photograph",
)
class PhotoUseForm(forms.Form):
    """Record a photograph used for a purpose; refused unless every pupil in it has consent."""

    description = forms.CharField(max_length=200, help_text="For example: “Sports day relay”.")
    purpose = forms.ChoiceField(choices=PhotoPurpose.choices)
    used_on = forms.DateField(
        label="Date used", widget=forms.DateInput(attrs={"type": "date"}), initial=None
    )
    students = forms.ModelMultipleChoiceField(
        queryset=None, label="Pupils in the photograph", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["students"].queryset = students
        self.fields["used_on"].initial = timezone.localdate
