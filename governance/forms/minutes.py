"""Forms for the minutes: an item (public or confidential) and the approval."""

from django import forms

MINUTE_MAX = 20_000


class MinuteItemForm(forms.Form):
    heading = forms.CharField(
        max_length=200,
        label="Heading",
        help_text="For example “Budget monitoring”.",
        error_messages={"required": "Enter a heading for the item."},
    )
    text = forms.CharField(
        max_length=MINUTE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Minute",
        help_text="What was discussed and decided, and who will do what.",
        error_messages={"required": "Enter the minute."},
    )


class ApprovalForm(forms.Form):
    approved_at = forms.ModelChoiceField(
        queryset=None,
        label="Approved at the meeting of",
        empty_label="Choose the meeting",
        error_messages={"required": "Choose the meeting that approved these minutes."},
    )

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved_at"].queryset = meeting.meetings_that_may_approve()
