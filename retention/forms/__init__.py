"""The forms of the retention pages: a rule, and a legal hold."""

from django import forms

from confidentiality.forms.messages import says_what_is_missing

from ..models import LegalHold
from ..registry import in_order

MOST_YEARS = 100


@says_what_is_missing(
    years="Enter how many years the records are kept",
    action="Choose what happens when the period has passed",
)
class RuleForm(forms.Form):
    years = forms.IntegerField(
        label="Years kept",
        min_value=0,
        max_value=MOST_YEARS,
        help_text="Counted from the event above. 0 means as soon as the event has happened.",
        error_messages={
            "invalid": "Enter the number of years as a whole number, such as 6.",
            "min_value": "The number of years cannot be less than 0.",
            "max_value": f"Enter at most {MOST_YEARS} years.",
        },
    )
    action = forms.ChoiceField(
        label="Then",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["action"].choices = kind.actions
        if kind.least_years:
            self.fields["years"].help_text = (
                f"Counted from the event above. At least {kind.least_years} years: a longer "
                "period is allowed, a shorter one is not."
            )

    def clean_years(self):
        years = self.cleaned_data["years"]
        least = self.kind.least_years
        if years is not None and years < least:
            # Lengthening is the school's choice; shortening below the law's minimum is not.
            raise forms.ValidationError(
                f"Records of this kind are kept for at least {least} years from "
                f"{self.kind.clock}. Enter {least} or more."
            )
        return years


@says_what_is_missing(
    scope="Choose what the hold covers",
    reason="Say why the hold is placed: who asked for the records to be kept, and why",
)
class HoldForm(forms.Form):
    scope = forms.ChoiceField(
        label="What the hold covers",
        choices=LegalHold.Scope.choices,
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(
        label="Kind of record",
        required=False,
        help_text="Only when the hold covers one kind of record.",
    )
    child = forms.ModelChoiceField(
        label="Child",
        queryset=None,
        required=False,
        help_text="Only when the hold covers every record about one child.",
        error_messages={"invalid_choice": "Choose a child from the list."},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Who asked for the records to be kept and why, for example the inquiry's "
        "name and the date of its letter.",
    )

    def __init__(self, *args, **kwargs):
        from records.models import Student

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Choose a kind of record")] + [
            (kind.key, kind.label) for kind in in_order() if kind.find is not None
        ]
        self.fields["child"].queryset = Student.objects.order_by("last_name", "first_name")
        self.fields["child"].empty_label = "Choose a child"

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == LegalHold.Scope.KIND and not data.get("kind"):
            self.add_error("kind", "Choose the kind of record the hold covers.")
        if scope == LegalHold.Scope.CHILD and not data.get("child"):
            self.add_error("child", "Choose the child whose records the hold covers.")
        return data


@says_what_is_missing(
    years="Enter how many more years the record is kept",
    reason="Say why the record is still needed",
)
class ReviewForm(forms.Form):
    years = forms.IntegerField(
        label="Keep it for another",
        min_value=1,
        max_value=MOST_YEARS,
        help_text="In years. It is due for review again at the end of them.",
        error_messages={
            "invalid": "Enter the number of years as a whole number, such as 2.",
            "min_value": "Keep it for at least 1 more year, or leave it due.",
            "max_value": f"Enter at most {MOST_YEARS} years.",
        },
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Why it is still needed, for example the person is still employed here.",
    )
