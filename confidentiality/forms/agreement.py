"""Accepting the confidentiality agreement, and publishing a new version of it."""

from django import forms

from confidentiality.models import ConfidentialityAgreement

from .messages import NOT_SENT_IN_FULL, says_what_is_missing


@says_what_is_missing(
    version=NOT_SENT_IN_FULL,
)
class AcceptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.BooleanField(
        label="I have read this agreement and I accept it",
        error_messages={"required": "Tick the box to accept the agreement, or sign out."},
    )

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_version(self):
        version = self.cleaned_data["version"]
        if self.current is None or version != self.current.version:
            raise forms.ValidationError(
                "The agreement has just been updated. Please read the new version below."
            )
        return version


@says_what_is_missing(
    text="Enter the text of the agreement",
    effective_from="Enter the date it is in force from",
)
class PublishForm(forms.ModelForm):
    class Meta:
        model = ConfidentialityAgreement
        fields = ["text", "effective_from"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 20}),
            "effective_from": forms.DateInput(attrs={"type": "date"}),
        }
