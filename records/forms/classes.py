"""A class's photograph consent page (P15): recording that a photograph was used."""

from django import forms
from django.utils import timezone

from ..models import PhotoPurpose


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
