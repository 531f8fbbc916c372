"""Who supports a child (P25), sharing the family section (P6) and a pupil's request to talk
(P7)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from confidentiality import roles
from confidentiality.forms import PersonChoiceField, person_label
from confidentiality.forms.messages import says_what_is_missing
from confidentiality.roles import SCHOOL_STAFF, Role

from ..family_sharing import may_receive_family_share
from ..models import SupportAssignment


@says_what_is_missing(
    kind="Choose what they are assigned as",
    staff="Choose who is assigned",
)
class AssignmentForm(forms.Form):
    """Assign a teaching assistant or a health professional to one child (P5, P25)."""

    kind = forms.ChoiceField(
        label="Assign as",
        choices=SupportAssignment.Kind.choices,
        widget=forms.RadioSelect,
    )
    staff = forms.ChoiceField(
        label="Who",
        help_text="Only people who hold the teaching-assistant or health-professional role are "
        "listed. A health professional sees this child's medical record and nothing else.",
    )

    def __init__(self, *args, by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by
        self._people = {}
        # One list in two parts, a heading for each role, so a nurse is not mistaken for a TA;
        # both parts come from one query (the form is on every page of a child's record).
        parts = (
            (Role.TEACHING_ASSISTANT, "Teaching assistants"),
            (Role.HEALTH_PROFESSIONAL, "Health professionals"),
        )
        holding = {role: Exists(roles.holders(role).filter(pk=OuterRef("pk"))) for role, _ in parts}
        people = list(
            get_user_model()
            .objects.with_roles(*(role for role, _ in parts))
            .annotate(**{f"holds_{role.name}": held for role, held in holding.items()})
        )
        groups = []
        for role, heading in parts:
            holders = [p for p in people if getattr(p, f"holds_{role.name}")]
            self._people.update({str(p.pk): p for p in holders})
            if holders:
                groups.append((heading, [(str(p.pk), person_label(p)) for p in holders]))
        self.fields["staff"].choices = [("", "Choose a person")] + groups

    def clean_staff(self):
        return self._people[self.cleaned_data["staff"]]

    def clean(self):
        cleaned = super().clean()
        staff, kind = cleaned.get("staff"), cleaned.get("kind")
        if staff is not None and kind:
            try:
                SupportAssignment.check_fits(staff=staff, kind=kind, by=self.by)
            except ValidationError as error:
                self.add_error("staff", error)
        return cleaned


@says_what_is_missing(
    person="Choose who it is shared with",
    reason="Say why they need to know",
)
class FamilyShareForm(forms.Form):
    """The DSL shares a child's personal and family circumstances with a member of staff (P6)."""

    person = PersonChoiceField(
        queryset=None, label="Share with", empty_label="Choose a member of staff"
    )
    reason = forms.CharField(
        label="Why do they need to know?",
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the audit trail with the share. For example: “Class teacher: "
        "contact arrangements change at pick-up.”",
    )

    def __init__(self, *args, student, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = may_receive_family_share(student)


class TalkRequestForm(forms.Form):
    """A pupil asked to talk (P7). Neither field is required: a child need not name anyone, and
    is never pressed to say why (P20)."""

    wants_to_talk_to = PersonChoiceField(
        queryset=None,
        required=False,
        label="Who the child would like to talk to",
        empty_label="Anyone – the child did not name someone",
        help_text="They are told that a pupil would like to talk to them (not who or why) and "
        "see the request on their dashboard.",
    )
    about = forms.CharField(
        label="What about, if the child said",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only you, the person named and the safeguarding team read this. If the child "
        "tells you something worrying, log a safeguarding concern as well.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wants_to_talk_to"].queryset = get_user_model().objects.with_roles(
            *SCHOOL_STAFF
        )


@says_what_is_missing(
    outcome="Say what was done",
)
class TalkRequestCloseForm(forms.Form):
    outcome = forms.CharField(
        label="What was done",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: “We talked at lunchtime; nothing further needed.” If the child "
        "disclosed something worrying, log a safeguarding concern too.",
    )
