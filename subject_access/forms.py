"""The forms of subject access: each says what is wrong in words, by its field, and keeps what
was typed (the project's one form pattern, ``templates/includes``)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from confidentiality.forms.messages import says_what_is_missing
from confidentiality.forms.people import person_label
from confidentiality.roles import SAFEGUARDING_TEAM
from performance.forms.fields import DATE, line, text
from records.models import Student

from .case_file import EXEMPTIONS
from .deadlines import MAX_EXTENSION_MONTHS
from .models import SubjectAccessRequest
from .redaction import PHRASE_MAX, REASON_CHOICES, REASONS, label, occurs


class ChildChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, student):
        name = student.preferred_name or student.first_name
        return f"{student.last_name}, {name} (Year {student.year_group})"


class HandlerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return person_label(user)


@says_what_is_missing(
    student="Choose the child whose file is asked for",
    relation="Choose who is asking",
    requester_name="Enter the name of the person asking",
    received_on="Enter the date the request was received",
    identity_checked="Say whether their identity has been checked",
    handled_by="Choose who handles the request",
)
class RequestForm(forms.Form):
    student = ChildChoiceField(
        queryset=Student.objects.order_by("last_name", "first_name"),
        label="Which child's file",
        empty_label="Choose the child",
    )
    relation = forms.ChoiceField(
        choices=[("", "Choose who is asking"), *SubjectAccessRequest.Relation.choices],
        label="Who is asking",
        help_text="A child can usually make their own request from about the age of 12, if "
        "they understand what it means.",
    )
    requester_name = line(label="Name of the person asking")
    received_on = forms.DateField(
        widget=DATE,
        label="Date the request was received",
        help_text="The month to answer it runs from this day.",
    )
    what_was_asked = text(
        required=False,
        label="What they asked for",
        help_text="In their words where you can, e.g. “everything you hold about my son”.",
    )
    identity_checked = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "Not yet")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label="Has their identity been checked?",
    )
    identity_how = text(
        required=False,
        rows=2,
        label="How their identity was checked",
        help_text="E.g. “known to the office; photo ID seen at reception on 2 March”.",
    )
    handled_by = HandlerChoiceField(
        queryset=get_user_model().objects.none(),
        label="Who handles it",
        empty_label=None,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        team = get_user_model().objects.with_roles(*SAFEGUARDING_TEAM)
        self.fields["handled_by"].queryset = team
        # Needed once "Yes" is chosen above: the label says so rather than "optional".
        self.fields["identity_how"].needed_when = "needed if you answered yes"
        if user is not None and not self.is_bound:
            self.initial.setdefault("handled_by", user.pk)
            self.initial.setdefault("received_on", timezone.localdate())

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("This date is in the future: when did the request arrive?")
        return day

    def clean(self):
        data = super().clean()
        if data.get("identity_checked") and not (data.get("identity_how") or "").strip():
            self.add_error("identity_how", "Say how their identity was checked.")
        return data


class DetailsForm(RequestForm):
    """The request's details after it was logged: most often, recording that the requester's
    identity has now been checked. The child is not changed: a request about another child is
    another request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["student"]


@says_what_is_missing(
    months="Choose how many months to extend the deadline by",
    reason="Write why the request is complex",
)
class ExtensionForm(forms.Form):
    months = forms.TypedChoiceField(
        choices=[
            (n, f"{n} month{'s' if n > 1 else ''}") for n in range(1, MAX_EXTENSION_MONTHS + 1)
        ],
        coerce=int,
        widget=forms.RadioSelect,
        label="Extend the deadline by",
        help_text="In all, from the end of the first month.",
    )
    reason = text(
        label="Why the request is complex",
        help_text="This is recorded, and the requester must be told within the first month.",
    )


@says_what_is_missing(included="Choose whether to send this item or withhold it")
class DecisionForm(forms.Form):
    included = forms.TypedChoiceField(
        choices=[("yes", "Send it"), ("no", "Withhold all of it")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label="Send this item?",
    )
    exemption = forms.ChoiceField(
        choices=[("", "Choose the exemption"), *EXEMPTIONS],
        required=False,
        label="Exemption it is withheld under",
    )
    exemption_note = text(
        required=False,
        rows=3,
        label="Reasons for withholding it",
        help_text="Recorded with the file, never sent.",
    )

    def clean(self):
        data = super().clean()
        if data.get("included") is False:
            if not data.get("exemption"):
                self.add_error("exemption", "Choose the exemption it is withheld under.")
            if not (data.get("exemption_note") or "").strip():
                self.add_error("exemption_note", "Write why it is withheld.")
        return data


@says_what_is_missing(
    phrase="Enter the words to redact",
    reason="Choose whose information it is",
    where="Choose where to redact the words",
)
class MarkForm(forms.Form):
    """A phrase to cover: typed, pasted, or picked from the text (the page's script fills the box
    with what is selected)."""

    phrase = line(
        PHRASE_MAX,
        label="Words to redact",
        help_text="Type or paste the exact words as they appear, or select them in the text "
        "above. Every place they appear is covered, whatever their capitals.",
    )
    reason = forms.ChoiceField(
        choices=REASON_CHOICES, initial="third_party", label="Whose information it is"
    )
    where = forms.ChoiceField(
        choices=[("everywhere", "Everywhere in the file"), ("here", "In this item only")],
        initial="everywhere",
        widget=forms.RadioSelect,
        label="Where to redact it",
    )

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item

    def clean_phrase(self):
        phrase = " ".join(self.cleaned_data["phrase"].split())
        if len(phrase) < 2:
            raise forms.ValidationError("Enter at least two characters to redact.")
        words = " ".join(label(r) for r in REASONS).casefold()
        if phrase.casefold() in words:
            raise forms.ValidationError(
                "These words are part of the redaction label itself; choose the words to cover."
            )
        if self.item is not None and not occurs(f"{self.item.heading}\n{self.item.text}", phrase):
            raise forms.ValidationError(
                "These words are not in this item. Check the spelling, or copy them from "
                "the text above."
            )
        return phrase
