"""The safeguarding team's forms on a concern: triage, notes, actions, referrals, closing, and
linking the child a concern names only in words (P3)."""

from django import forms
from django.contrib.auth import get_user_model
from django.forms import formset_factory
from django.utils import timezone

from confidentiality.forms import PersonChoiceField
from confidentiality.roles import SAFEGUARDING_TEAM, SCHOOL_STAFF

from ..models import Concern, Referral
from .fields import ACCOUNT_MAX, DATE, DATETIME, TEXT_MAX, bounded, check_when
from .raising import BaseSubjectFormSet, SubjectForm


class ConcernChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, concern):
        return (
            f"{concern.reference}: {concern.get_category_display()}, "
            f"{timezone.localtime(concern.created_at):%d %b %Y} ({concern.get_status_display()})"
        )


class TriageForm(forms.Form):
    # A queryset is evaluated per form, never once at start-up: the list is always current.
    assigned_to = PersonChoiceField(
        queryset=get_user_model().objects.with_roles(*SAFEGUARDING_TEAM),
        required=False,
        label="Assign to",
    )
    level = forms.ChoiceField(
        choices=[("", "Not yet decided")] + Concern.Level.choices, required=False
    )
    level_reason = bounded(
        TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Why this level",
        help_text="Needed when you set a level.",
    )
    linked = ConcernChoiceField(
        queryset=Concern.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Linked concerns (earlier concerns, siblings' concerns)",
    )

    def __init__(self, *args, concern, **kwargs):
        super().__init__(*args, **kwargs)
        if concern.is_about_adult:
            # Only the people the concern about an adult was routed to; never the adult named.
            from ..models.adults import handlers_of

            handlers = [p.pk for p in handlers_of(concern)]
            self.fields["assigned_to"].queryset = get_user_model().objects.filter(pk__in=handlers)
        self.fields["linked"].queryset = concern.related_concerns().order_by("-created_at")
        if not self.is_bound:
            self.initial.update(
                assigned_to=concern.assigned_to_id,
                level=concern.level,
                level_reason=concern.level_reason or "",
                linked=list(concern.linked_concerns.values_list("pk", flat=True)),
            )


class NoteForm(forms.Form):
    text = bounded(ACCOUNT_MAX, widget=forms.Textarea(attrs={"rows": 4}), label="Note")


class ActionForm(forms.Form):
    description = bounded(
        TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}), label="What needs doing"
    )
    owner = PersonChoiceField(
        queryset=get_user_model().objects.with_roles(*SCHOOL_STAFF), label="Who will do it"
    )
    due_on = forms.DateField(widget=DATE, label="Due by")


class ReferralForm(forms.Form):
    agency = forms.ChoiceField(choices=Referral.Agency.choices)
    method = forms.ChoiceField(choices=Referral.Method.choices, label="How")
    made_at = forms.DateTimeField(
        required=False,
        label="When it was made",
        help_text="Leave empty if the referral is decided but not yet made: the clock shows "
        "on the dashboard until it is.",
        widget=DATETIME,
    )
    contact = forms.CharField(required=False, max_length=200, label="Who you spoke to")
    agency_reference = forms.CharField(required=False, max_length=200, label="Their reference")
    details = bounded(
        TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What was said and agreed",
    )

    def clean_made_at(self):
        return check_when(self.cleaned_data["made_at"])


class ReferralUpdateForm(forms.Form):
    made_at = forms.DateTimeField(
        required=False,
        label="Made at",
        widget=DATETIME,
    )
    written_follow_up_at = forms.DateTimeField(
        required=False,
        label="Written follow-up sent at",
        widget=DATETIME,
    )
    outcome = bounded(
        TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Outcome"
    )

    def clean_made_at(self):
        return check_when(self.cleaned_data["made_at"])

    def clean_written_follow_up_at(self):
        return check_when(self.cleaned_data["written_follow_up_at"])


class CloseForm(forms.Form):
    # Not required here: the model's ``close`` verb is the rule, and its errors land on these.
    decision = forms.ChoiceField(
        choices=[("", "Choose a decision")] + Concern.Decision.choices, required=False
    )
    rationale = bounded(
        TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Rationale",
        help_text="Why this decision is right for the child; what would make you reopen it.",
    )


class BaseLinkChildrenFormSet(BaseSubjectFormSet):
    """The concern form's child rows, on the concern page: the team links the child (or more)
    a concern names only in words (P3). A child already named is refused by name."""

    concern = None

    def clean(self):
        super().clean()
        if self.concern.children_unreadable():
            raise forms.ValidationError(
                "The children already named in this concern cannot be opened on this server. "
                "Tell the IT administrator."
            )
        named = set(self.concern.student_pks())
        again = [str(student) for student, _part in self.entries() if str(student.pk) in named]
        if again:
            raise forms.ValidationError(
                f"Already named in this concern: {', '.join(again)}. Choose another child."
            )


def link_children_formset(data=None, *, concern):
    cls = formset_factory(SubjectForm, formset=BaseLinkChildrenFormSet, extra=2)
    formset = cls(data, prefix="link")
    formset.concern = concern
    return formset
