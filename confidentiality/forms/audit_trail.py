"""The audit trail's filter: one subject, one person, a range of dates."""

from django import forms
from django.contrib.auth import get_user_model

from confidentiality.audit import subject_keys


class TrailFilter(forms.Form):
    subject = forms.CharField(required=False, widget=forms.HiddenInput)
    person = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        empty_label="Anyone",
    )
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def apply(self, entries):
        data = self.cleaned_data
        if data.get("subject"):
            # Safeguarding entries name their subject blind: look up both forms.
            entries = entries.filter(additional_data__subject__in=subject_keys(data["subject"]))
        if data.get("person"):
            entries = entries.filter(actor=data["person"])
        if data.get("since"):
            entries = entries.filter(timestamp__date__gte=data["since"])
        if data.get("until"):
            entries = entries.filter(timestamp__date__lte=data["until"])
        return entries
