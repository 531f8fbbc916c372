"""Narrowing a child's chronology (P3): by kind of entry, dates and category, on screen, in the
print view and in the PDF for a case conference, and saying in words what was left out."""

from django import forms

from .. import chronology
from ..models import Category
from .fields import DATE

EVERY_KIND = [kind for kind, _ in chronology.Kind.CHOICES]


class ChronologyFilter(forms.Form):
    kind = forms.MultipleChoiceField(
        choices=chronology.Kind.CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Kinds of entry",
        # Every kind starts ticked: the DSL unticks what a case conference does not need.
        initial=EVERY_KIND,
        help_text="Untick a kind to leave it out, on screen and in the PDF. "
        "With none ticked, every kind is included.",
    )
    since = forms.DateField(required=False, widget=DATE, label="From")
    until = forms.DateField(required=False, widget=DATE, label="To")
    category = forms.ChoiceField(choices=[("", "Any category")] + Category.choices, required=False)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date is before the start date.")
        return data

    def chosen(self) -> dict:
        """What was chosen, as ``chronology.apply_filters`` and ``cover_for`` take it (nothing
        when the form is unbound or wrong: then the whole chronology)."""
        if not (self.is_bound and self.is_valid()):
            return {"kinds": [], "since": None, "until": None, "category": ""}
        data = self.cleaned_data
        # Every kind ticked is no narrowing at all.
        kinds = [] if set(data["kind"]) >= set(EVERY_KIND) else list(data["kind"])
        return {
            "kinds": kinds,
            "since": data["since"],
            "until": data["until"],
            "category": data["category"],
        }

    def describe(self) -> str:
        if not (self.is_bound and self.is_valid()):
            return ""
        data, parts = self.chosen(), []
        if data["kinds"]:
            parts.append("only " + ", ".join(chronology.Kind.LABELS[k] for k in data["kinds"]))
        if data["since"]:
            parts.append(f"from {data['since']:%d %b %Y}")
        if data["until"]:
            parts.append(f"to {data['until']:%d %b %Y}")
        if data["category"]:
            parts.append(str(dict(Category.choices)[data["category"]]))
        return "; ".join(parts)
