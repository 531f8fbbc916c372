"""Entering the school calendar: a term, and a closure (one day or several)."""

from django import forms

from confidentiality.models import Closure, Term

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {
    "required": "Enter the date",
    "invalid": "Enter a real date, for example 2 September 2026",
}


def _date_field(label: str, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE,
        help_text=help_text,
        error_messages={**DATE_ERRORS, "required": f"Enter the {label.lower()}"},
    )


class TermForm(forms.ModelForm):
    first_day = _date_field("First day")
    last_day = _date_field("Last day")

    class Meta:
        model = Term
        fields = ["name", "first_day", "last_day"]
        error_messages = {"name": {"required": "Enter the name of the term"}}


class ClosureForm(forms.ModelForm):
    first_day = _date_field("First day")
    last_day = _date_field(
        "Last day", required=False, help_text="Leave empty when the school is closed one day."
    )

    class Meta:
        model = Closure
        fields = ["kind", "first_day", "last_day", "reason"]
        widgets = {"kind": forms.RadioSelect}
        error_messages = {"kind": {"required": "Choose the type of closure"}}
        # The label already says "(optional)": the help says only what to write.
        help_texts = {"reason": "For example, staff training, or the school is a polling station."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons need no blank choice: none is checked until one is chosen.
        self.fields["kind"].choices = Closure.Kind.choices

    def clean(self):
        cleaned = super().clean()
        # One day: the last day is the first.
        if cleaned.get("first_day") and not cleaned.get("last_day"):
            cleaned["last_day"] = cleaned["first_day"]
        return cleaned
