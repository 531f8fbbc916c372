"""The safeguarding team's forms on a child's profile: a status with its dates, the end of one,
and an adult or agency involved with the child."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from confidentiality.forms.messages import says_what_is_missing

from ..models import KeyContact, PlanCategory, SafeguardingStatus
from .fields import DATE, SHORT_MAX, TEXT_MAX, bounded

# A status may be recorded ahead (a plan agreed to start on Monday), not far ahead.
AHEAD = timedelta(days=31)
EARLIEST_YEARS_AGO = 20


def _check_day(value, *, ahead=AHEAD):
    if value is None:
        return value
    today = timezone.localdate()
    if value > today + ahead:
        raise ValidationError("This is more than a month ahead: please check the date.")
    if value < today - timedelta(days=365 * EARLIEST_YEARS_AGO):
        raise ValidationError("This is more than twenty years ago: please check the date.")
    return value


@says_what_is_missing(
    kind="Choose the status",
    started_on="Enter the date it started",
)
class StatusForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("", "Choose a status")] + SafeguardingStatus.Kind.choices, label="Status"
    )
    plan_category = forms.ChoiceField(
        choices=[("", "Not a child protection plan")] + PlanCategory.choices,
        required=False,
        label="Category of the child protection plan",
        help_text="Only for a child protection plan.",
    )
    started_on = forms.DateField(
        widget=DATE,
        label="Since",
        help_text="For an Operation Encompass notification, the day the police told the school.",
    )
    ended_on = forms.DateField(
        widget=DATE, required=False, label="Ended", help_text="Leave blank while it continues."
    )
    note = bounded(
        TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Note",
        help_text="E.g. the local authority, the plan's review date, what the police told us.",
    )

    def clean_started_on(self):
        return _check_day(self.cleaned_data.get("started_on"))

    def clean_ended_on(self):
        return _check_day(self.cleaned_data.get("ended_on"))

    def status(self, student, by) -> SafeguardingStatus:
        """The status, checked by the model's own rules (errors land on this form's fields)."""
        status = SafeguardingStatus(student=student, recorded_by=by, **self.cleaned_data)
        try:
            status.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
            return None
        return status


@says_what_is_missing(
    ended_on="Enter the date it ended",
)
class EndStatusForm(forms.Form):
    ended_on = forms.DateField(widget=DATE, label="Ended on", initial=timezone.localdate)

    def clean_ended_on(self):
        return _check_day(self.cleaned_data.get("ended_on"))


@says_what_is_missing(
    role="Choose the contact's role",
    name="Enter the contact's name",
)
class KeyContactForm(forms.Form):
    role = forms.ChoiceField(choices=[("", "Choose a role")] + KeyContact.Role.choices)
    name = bounded(SHORT_MAX, label="Name")
    organisation = bounded(SHORT_MAX, required=False, label="Organisation or team")
    phone = bounded(SHORT_MAX, required=False, label="Telephone")
    email = forms.EmailField(required=False, label="Email", max_length=SHORT_MAX)
    notes = bounded(
        TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Notes",
        help_text="When to call, a secure email, their reference for the child.",
    )

    def clean(self):
        data = super().clean()
        unreachable = not (data.get("phone") or "").strip() and not (data.get("email") or "")
        if unreachable and "phone" not in self.errors and "email" not in self.errors:
            self.add_error("phone", "Give a telephone number or an email address.")
        return data
