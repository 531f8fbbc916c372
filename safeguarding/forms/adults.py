"""Raising a concern about an adult who works with children: a low-level concern or an
allegation (see ``safeguarding.adults`` for where it goes)."""

from django import forms
from django.contrib.auth import get_user_model

from confidentiality.forms import PersonChoiceField
from confidentiality.forms.messages import NOT_SENT_IN_FULL, says_what_is_missing
from confidentiality.roles import MAY_LOG_CONCERN

from ..models import Category, Concern, ConcernAboutAdult
from .fields import ACCOUNT_MAX, DATETIME, bounded, check_when, earliest_adult_concern


@says_what_is_missing(
    idempotency_key=NOT_SENT_IN_FULL,
    person="Choose who the concern is about",
    nature="Choose the kind of concern",
    category="Choose a category",
    account="Say what you saw or heard",
    happened_at="Give the date and time it happened",
    urgency="Say how urgent it is",
)
class AdultConcernForm(forms.Form):
    """A low-level concern or an allegation about a member of staff or a volunteer."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    person = PersonChoiceField(
        queryset=get_user_model().objects.none(),
        label="Who the concern is about",
        empty_label="Choose the person",
    )
    role_in_school = forms.CharField(max_length=200, required=False, label="Their role in school")
    nature = forms.ChoiceField(
        choices=ConcernAboutAdult.Nature.choices, widget=forms.RadioSelect, label="Kind of concern"
    )
    category = forms.ChoiceField(choices=Category.choices, initial=Category.OTHER)
    account = bounded(
        ACCOUNT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="What you saw or heard",
        help_text="Facts, in the words used. Do not investigate or speak to the person.",
    )
    happened_at = forms.DateTimeField(widget=DATETIME, label="When it happened")
    location = forms.CharField(max_length=200, required=False, label="Where")
    # Worded for an adult: the people it goes to are not "the DSL" when the DSL is named.
    urgency = forms.ChoiceField(
        choices=[
            (Concern.Urgency.ROUTINE, "Routine – it will be picked up today"),
            (Concern.Urgency.URGENT, "Urgent – a child may be at risk now"),
        ],
        initial=Concern.Urgency.ROUTINE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, author, **kwargs):
        super().__init__(*args, **kwargs)
        # Anyone who works with children, never the person raising it.
        self.fields["person"].queryset = (
            get_user_model().objects.with_roles(*MAY_LOG_CONCERN).exclude(pk=author.pk)
        )

    def clean_happened_at(self):
        # Something long past may be reported (a non-recent allegation); never the future.
        return check_when(self.cleaned_data["happened_at"], earliest=earliest_adult_concern())
