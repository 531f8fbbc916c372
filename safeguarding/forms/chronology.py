"""Narrowing a child's chronology (P3): by kind of entry, dates and category, and saying in words
what was left out (printed on the page and in the PDF)."""

from django import forms

from .. import chronology
from ..models import Category
from .fields import DATE


class ChronologyFilter(forms.Form):
    kind = forms.MultipleChoiceField(
        choices=chronology.Kind.CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Show only",
    )
    since = forms.DateField(required=False, widget=DATE, label="From")
    until = forms.DateField(required=False, widget=DATE, label="To")
    category = forms.ChoiceField(choices=[("", "Any category")] + Category.choices, required=False)

    def describe(self) -> str:
        if not self.is_valid():
            return ""
        data, parts = self.cleaned_data, []
        if data["kind"]:
            parts.append("only " + ", ".join(chronology.Kind.LABELS[k] for k in data["kind"]))
        if data["since"]:
            parts.append(f"from {data['since']:%d %b %Y}")
        if data["until"]:
            parts.append(f"to {data['until']:%d %b %Y}")
        if data["category"]:
            parts.append(str(dict(Category.choices)[data["category"]]))
        return "; ".join(parts)
