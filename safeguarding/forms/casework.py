"""The safeguarding team's forms on a concern: triage, notes, actions, referrals, closing, and
linking the child a concern names only in words (P3)."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.forms import formset_factory
from django.utils import timezone

from confidentiality.forms import PersonChoiceField
from confidentiality.forms.messages import says_what_is_missing
from confidentiality.roles import SAFEGUARDING_TEAM, SCHOOL_STAFF

from ..dates import day_in_words
from ..information_sharing import ToldFirst
from ..models import Action, Category, Concern, Referral
from ..models.concerns import category_codes
from ..models.sharing import check_told_first
from ..school_time import is_working_day, next_school_day_after
from .fields import (
    ACCOUNT_MAX,
    DATE,
    DATETIME,
    NEEDED_UNLESS_BOTH_TOLD,
    TEXT_MAX,
    bounded,
    check_when,
    mark_reason_not_told,
)
from .raising import BaseSubjectFormSet, SubjectForm


class ConcernChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, concern):
        return (
            # All its categories, not only the main one: a sibling's concern about neglect may
            # also be about emotional abuse, which is why it is worth linking.
            f"{concern.reference}: {concern.categories_display}, "
            f"{timezone.localtime(concern.created_at):%d %b %Y} ({concern.get_status_display()})"
        )


@says_what_is_missing(
    category="Choose the main category",
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
    # The team corrects what the person raising it chose; a change in the concern's change log
    # (the other categories, sealed, by name only). The author's page keeps their own choice.
    category = forms.ChoiceField(choices=Category.choices, label="Main category")
    other_categories = forms.MultipleChoiceField(
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Other categories",
        help_text="Any others it also falls under. The main category ticked here too stays "
        "the main one.",
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
        if self.is_bound and self.add_prefix("category") not in self.data:
            # A triage sent without the categories (from before they were on the form) leaves
            # them as they are, rather than asking again for what was not shown.
            del self.fields["category"], self.fields["other_categories"]
        # The concerns that may be linked: those about these children and their brothers and
        # sisters, and any linked already (unticked only by choice, never by being left off).
        linkable = Concern.objects.filter(
            Q(pk__in=concern.related_concerns().values("pk"))
            | Q(pk__in=concern.linked_concerns.values("pk"))
        ).order_by("-created_at")
        asked = self.is_bound and bool(self.data.get(self.add_prefix("linked")))
        if asked or linkable.exists():
            # (A concern asked for that may not be linked is refused as not a choice.)
            self.fields["linked"].queryset = linkable
        else:
            # Nothing to link (a concern about an adult, or no other concern about the family):
            # no empty heading with no box under it; the page says so in words (``can_link``).
            del self.fields["linked"]
        if not self.is_bound:
            self.initial.update(
                assigned_to=concern.assigned_to_id,
                level=concern.level,
                level_reason=concern.level_reason or "",
                category=concern.category,
                other_categories=concern.other_category_codes,
                linked=list(concern.linked_concerns.values_list("pk", flat=True)),
            )

    @property
    def can_link(self) -> bool:
        return "linked" in self.fields

    def clean(self):
        data = super().clean()
        if "other_categories" in data:
            data["other_categories"] = category_codes(
                data["other_categories"], leaving_out=data.get("category") or ""
            )
        return data


@says_what_is_missing(
    text="Write the note",
)
class NoteForm(forms.Form):
    text = bounded(ACCOUNT_MAX, widget=forms.Textarea(attrs={"rows": 4}), label="Note")


@says_what_is_missing(
    description="Say what needs doing",
    owner="Choose who will do it",
    due_on="Enter the date it is due by",
)
class ActionForm(forms.Form):
    """An action with the person who will do it. Someone outside the safeguarding team reads
    only ``brief``, the due date and, if ticked, the child's name on their task page
    (``Action.children_for_assignee``): never ``description``, the team's own record."""

    description = bounded(
        TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="What needs doing",
        help_text="The safeguarding team's record. The person you choose does not see this "
        "unless they are on the team.",
    )
    owner = PersonChoiceField(
        queryset=get_user_model().objects.with_roles(*SCHOOL_STAFF), label="Who will do it"
    )
    due_on = forms.DateField(widget=DATE, label="Due by")
    brief = bounded(
        Action.BRIEF_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What to tell them",
        help_text="All they will read of this concern, with the due date: only what they need "
        "to know to do it. Left empty, they are asked to speak to you.",
    )
    tell_which_child = forms.BooleanField(
        required=False,
        label="Tell them which child this is about",
        help_text="Their task page then names the child the concern is about (never a "
        "sibling, a witness or an alleged harmer). Leave it unticked if they need not know.",
    )

    def __init__(self, *args, concern=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.concern = concern
        if concern is not None and concern.is_about_adult:
            del self.fields["tell_which_child"]  # a concern about an adult names no child
        if self._due_on_a_closed_day():
            # Asked only once the date typed falls on a day the school is closed: the team may
            # mean it (a home visit on a Saturday), so their choice stands once they say so.
            self.fields["keep_closed_day"] = forms.BooleanField(
                required=False,
                label="Keep this date although the school is closed that day",
            )

    def _due_on_a_closed_day(self) -> bool:
        if not self.is_bound:
            return False
        try:
            due = self.fields["due_on"].clean(self.data.get(self.add_prefix("due_on")))
        except forms.ValidationError:
            return False
        return not is_working_day(due)

    def clean(self):
        data = super().clean()
        due = data.get("due_on")
        if due is not None and not is_working_day(due) and not data.get("keep_closed_day"):
            self.add_error(
                "due_on",
                f"The school is closed on {day_in_words(due)}. Choose a school day, such as "
                f"{day_in_words(next_school_day_after(due))}, or tick “Keep this date” below "
                "to keep it.",
            )
        return data

    def clean_owner(self):
        owner = self.cleaned_data["owner"]
        concern = self.concern
        if concern is not None and concern.is_about_adult:
            named = Concern.objects.filter(pk=concern.pk).not_about(owner)
            if not named.exists():
                raise forms.ValidationError("This concern is about them: choose someone else.")
        return owner

    def action_fields(self) -> dict:
        """The new action's fields, as the model takes them."""
        data = self.cleaned_data
        return {
            "description": data["description"],
            "owner": data["owner"],
            "due_on": data["due_on"],
            "brief": (data.get("brief") or "").strip(),
            "tell_which_child": bool(data.get("tell_which_child")),
        }


@says_what_is_missing(
    agency="Choose the agency referred to",
    method="Choose how the referral was made",
)
class ReferralForm(forms.Form):
    """A referral, and (P2) whether the student and the parents were told first, or why not.
    The rule is the one every share follows (``check_told_first``), applied here so that its
    refusal sits next to the reason's field; not asked on a concern about an adult, and not
    required for the LADO (``Referral.told_first_applies``)."""

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
    student_told = forms.BooleanField(required=False, label="The student was told first")
    parents_told = forms.BooleanField(
        required=False,
        label="The parents were told first",
        help_text="Parents with parental responsibility who were told get a notice in their "
        "portal once the referral is made (not what was said).",
    )
    reason_not_told = bounded(
        TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why telling them would put the child at risk",
        help_text="Only if the student or the parents were not told first. Not needed for a "
        "referral to the LADO: the LADO agrees what the family is told.",
    )

    TOLD = ("student_told", "parents_told", "reason_not_told")

    def __init__(self, *args, concern=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.concern = concern
        if concern is not None and concern.is_about_adult:
            # The family is not told before the LADO (or police) agree what may be said.
            for name in self.TOLD:
                del self.fields[name]
        # Before the agency is chosen, whether the reason is needed is not known yet.
        applies = None
        if self.is_bound and concern is not None:
            applies = Referral.told_first_applies(concern, self["agency"].value())
        mark_reason_not_told(
            self,
            applies,
            when=f"{NEEDED_UNLESS_BOTH_TOLD}, or the referral is to the LADO",
        )

    def clean_made_at(self):
        return check_when(self.cleaned_data["made_at"])

    def clean(self):
        data = super().clean()
        agency = data.get("agency")
        if self.concern is None or not Referral.told_first_applies(self.concern, agency):
            return data
        try:
            check_told_first(
                data.get("student_told"), data.get("parents_told"), data.get("reason_not_told")
            )
        except forms.ValidationError as error:
            self.add_error(None, error)
        return data

    def referral_fields(self) -> dict:
        """The new referral's fields, as the model takes them."""
        data = self.cleaned_data
        fields = {name: data[name] for name in ("agency", "method", "made_at")}
        fields.update({name: data.get(name) or "" for name in ("contact", "agency_reference")})
        fields["details"] = data.get("details") or ""
        if "student_told" in self.fields:
            fields.update(
                student_told=bool(data.get("student_told")),
                parents_told=bool(data.get("parents_told")),
                reason_not_told=(data.get("reason_not_told") or "").strip(),
            )
        return fields


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


class ToldFirstForm(forms.Form):
    """P2 for a child linked after a referral about a child was made: that referral was about
    them too, so it is an information share for them like any other: the student and parents
    told first, or the DSL's reason why not (``check_told_first``). ``needed`` when a child is
    linked as the child the concern is about (a sibling or witness is not whom it was about)."""

    student_told = forms.BooleanField(required=False, label="The student was told first")
    parents_told = forms.BooleanField(
        required=False,
        label="The parents were told first",
        help_text="Parents with parental responsibility who were told get a notice in their "
        "portal (that information was shared and with whom, not what).",
    )
    reason_not_told = bounded(
        TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why telling them would put the child at risk",
        help_text="Only if the student or the parents were not told first.",
    )

    def __init__(self, *args, needed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needed = needed
        # Before it is sent, whether a child is linked as the one it is about is not known.
        mark_reason_not_told(
            self,
            needed if self.is_bound else None,
            when=f"for the child it is about, {NEEDED_UNLESS_BOTH_TOLD}",
        )

    def clean(self):
        data = super().clean()
        if self.needed:
            try:
                check_told_first(
                    data.get("student_told"), data.get("parents_told"), data.get("reason_not_told")
                )
            except forms.ValidationError as error:
                self.add_error(None, error)  # a dict: it lands on the reason's field
        return data

    def answers(self):
        """The answers as ``information_sharing.link_children`` takes them."""
        data = self.cleaned_data
        return ToldFirst(
            bool(data.get("student_told")),
            bool(data.get("parents_told")),
            (data.get("reason_not_told") or "").strip(),
        )


def link_children_formset(data=None, *, concern):
    cls = formset_factory(SubjectForm, formset=BaseLinkChildrenFormSet, extra=2)
    formset = cls(data, prefix="link")
    formset.concern = concern
    return formset
