"""Forms for the head teacher's termly report to governors."""

import re

from django import forms

from confidentiality.forms.messages import says_what_is_missing
from safeguarding.statistics import term_of

from ..models import Meeting, Term

ITEM_MAX = 20_000


@says_what_is_missing(
    term="Choose the term",
)
class HeadReportForm(forms.Form):
    term = forms.ChoiceField(choices=Term.choices, label="Term")
    school_year = forms.CharField(
        max_length=7,
        label="School year",
        help_text="For example 2026/27.",
        error_messages={"required": "Enter the school year, for example 2026/27."},
    )
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.order_by("-held_at"),
        required=False,
        label="The meeting it goes to",
        empty_label="Not chosen yet",
        help_text="Its confidential items will be read with that meeting's confidential minutes.",
    )
    include_statistics = forms.BooleanField(
        required=False,
        initial=True,
        label="Include the safeguarding statistics",
        help_text="Counts of concerns, referrals and training: numbers only, with any count "
        "from 1 to 4 shown as “fewer than 5”.",
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        if today is not None and not self.is_bound:
            term = term_of(today)
            self.initial.setdefault("term", term.name)
            self.initial.setdefault("school_year", term.school_year)

    def clean_school_year(self):
        value = self.cleaned_data["school_year"].strip()
        found = re.fullmatch(r"(\d{4})/(\d{2})", value)
        if not found or (int(found[1]) + 1) % 100 != int(found[2]):
            raise forms.ValidationError("Enter the school year like 2026/27.")
        return value


class HeadReportItemForm(forms.Form):
    heading = forms.CharField(
        max_length=200,
        label="Heading",
        help_text="For example “Attendance” or “Staffing”.",
        error_messages={"required": "Enter a heading for the item."},
    )
    text = forms.CharField(
        max_length=ITEM_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Text",
        error_messages={"required": "Enter the text of the item."},
    )
    confidential = forms.BooleanField(
        required=False,
        label="This item is confidential",
        help_text="Exclusions, personnel matters, anything about a person who could be "
        "identified. It will be read only with the confidential minutes, never published.",
    )
