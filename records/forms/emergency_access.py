"""Opening a record in an emergency (break-glass, P10): the reason, which the DSL reads."""

from django import forms

from confidentiality.forms.messages import says_what_is_missing
from confidentiality.models.break_glass import REASON_MAX_CHARS, clean_reason


@says_what_is_missing(
    reason="Say why you need this record now",
)
class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why do you need this record now?",
        help_text="A sentence or two, for example: “Child collapsed in PE; I need their "
        "allergies and emergency steps.” The DSL is told at once and your reason is kept in the "
        f"audit trail. At most {REASON_MAX_CHARS:,} characters.",
    )

    def clean_reason(self):
        return clean_reason(self.cleaned_data["reason"])
