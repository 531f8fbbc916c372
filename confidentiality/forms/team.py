"""Choosing who is appointed: the DSL and the deputies (the "Safeguarding team" page), the
chair of governors, the clerk and the head teacher (the "Appointments" page). Who may be chosen
is ``confidentiality.team``'s to say; each form lists only those people for the person
appointing."""

from django import forms

from confidentiality import roles, team

from .people import PersonChoiceField


class AppointeeChoiceField(PersonChoiceField):
    """The people the person appointing may choose (``team.may_be_appointed_by``); anyone else
    posted is refused with the reason in plain words."""

    default_error_messages = {
        "invalid_choice": "Choose someone from the list. "
        + team.WHO_CANNOT_BE_APPOINTED
        + " Those people are not listed."
    }


# Who is not listed, said once for every form: ``team.WHO_CANNOT_BE_APPOINTED``.
_NEVER_SHAPED = (
    "Never an account created or changed by anyone in an appointed role (the DSL, a deputy DSL, "
    "the head teacher, the chair or the clerk), you included."
)
_STAFF_WHO_SIGNED_IN = (
    "Only active members of staff who have signed in before can be appointed. " + _NEVER_SHAPED
)


class AppointmentForm(forms.Form):
    """One person to appoint, chosen from ``candidates(actor)``: the people this appointer may
    choose for this role. Each appointment says only what differs: who, and the words."""

    candidates = staticmethod(lambda actor=None: None)
    label = ""
    empty_label = "Choose a member of staff"
    help_text = ""
    nobody_chosen = "Choose the person to appoint"

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "person": AppointeeChoiceField(
                queryset=self.candidates(actor),
                label=self.label,
                empty_label=self.empty_label,
                help_text=self.help_text,
                error_messages={"required": self.nobody_chosen},
            ),
            **self.fields,
        }


class AppointDSLForm(AppointmentForm):
    candidates = staticmethod(team.dsl_candidates)
    label = "New DSL"
    nobody_chosen = "Choose the new DSL"
    help_text = _STAFF_WHO_SIGNED_IN
    keep_previous_as_deputy = forms.BooleanField(
        required=False, label="Keep the current DSL on the team as a deputy DSL"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if roles.current_dsl() is None:
            del self.fields["keep_previous_as_deputy"]  # nobody to keep


class AddDeputyForm(AppointmentForm):
    candidates = staticmethod(team.deputy_candidates)
    label = "New deputy DSL"
    nobody_chosen = "Choose the new deputy DSL"


class AppointChairForm(AppointmentForm):
    candidates = staticmethod(team.chair_candidates)
    label = "New chair of governors"
    nobody_chosen = "Choose the new chair of governors"
    empty_label = "Choose a governor"
    help_text = (
        "Only active governors who are not members of staff and have signed in before can be "
        "appointed. " + _NEVER_SHAPED
    )


class AppointClerkForm(AppointmentForm):
    candidates = staticmethod(team.clerk_candidates)
    label = "New clerk to the governors"
    nobody_chosen = "Choose the new clerk to the governors"
    empty_label = "Choose a person"
    help_text = (
        "Members of staff (not the head teacher), governors (not the chair), or an account "
        "with no role yet, made by the IT technician for a clerk from outside the school, "
        "once they have signed in. " + _NEVER_SHAPED
    )


class AppointHeadForm(AppointmentForm):
    candidates = staticmethod(team.head_candidates)
    label = "New head teacher"
    nobody_chosen = "Choose the new head teacher"
    help_text = _STAFF_WHO_SIGNED_IN
