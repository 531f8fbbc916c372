"""The "Safeguarding team" page (P8): who the DSL and the deputies are, and, for the head
teacher and the DSL (with a confirmed second factor), handing the DSL role over and appointing
or standing down deputies. The "Appointments" page beside it: the DSL or the clerk appoints the
chair of governors, the chair or the DSL appoints the clerk (never the head teacher, either),
and the chair appoints the head teacher. Everyone else gets 404: the pages do not exist for
them."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from confidentiality import access, roles, team
from confidentiality.roles import Role


class StaffChoiceField(forms.ModelChoiceField):
    """The people the person appointing may choose (``team.may_be_appointed_by``); anyone else
    posted is refused with the reason in plain words."""

    default_error_messages = {
        "invalid_choice": "Choose someone from the list. Nobody appoints an account they "
        "created or whose email address or roles they changed (by an import or in the admin), "
        "or an account nobody has signed in with yet, so those people are not listed."
    }

    def label_from_instance(self, user):
        name = user.get_full_name() or user.username
        return f"{name} – {user.job_title}" if user.job_title else name


class AppointDSLForm(forms.Form):
    person = StaffChoiceField(
        queryset=team.dsl_candidates(),
        label="New DSL",
        empty_label="Choose a member of staff",
        help_text=(
            "Only active members of staff who have signed in before can be appointed, and "
            "never an account you created or changed."
        ),
    )
    keep_previous_as_deputy = forms.BooleanField(
        required=False, label="Keep the current DSL on the team as a deputy DSL"
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = team.dsl_candidates(actor)
        if roles.current_dsl() is None:
            del self.fields["keep_previous_as_deputy"]  # nobody to keep


class AddDeputyForm(forms.Form):
    person = StaffChoiceField(
        queryset=team.deputy_candidates(),
        label="New deputy DSL",
        empty_label="Choose a member of staff",
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = team.deputy_candidates(actor)


def _manager(request):
    """The head teacher or the DSL, verified (P8); 404 for anyone else, before any 2FA prompt."""
    if not team.may_manage_team(request.user):
        raise Http404
    access.require_second_factor(request.user)


def _refused(request) -> bool:
    if team.refused(request.user):
        messages.error(request, team.REFUSAL)
        return True
    return False


def _render(request, appoint_form=None, deputy_form=None, status=200):
    dsl, deputies = roles.safeguarding_team_contacts()
    return render(
        request,
        "team/team.html",
        {
            "dsl": dsl,
            "deputies": deputies,
            "appoint_form": appoint_form or AppointDSLForm(actor=request.user),
            "deputy_form": deputy_form or AddDeputyForm(actor=request.user),
        },
        status=status,
    )


@login_required
def team_page(request):
    _manager(request)
    return _render(request)


@login_required
@require_POST
def appoint_dsl(request):
    """Two steps: the chosen person is shown for confirmation; only "confirm" hands over."""
    _manager(request)
    if _refused(request):
        return redirect("team")
    form = AppointDSLForm(request.POST, actor=request.user)
    if not form.is_valid():
        return _render(request, appoint_form=form, status=400)
    person = form.cleaned_data["person"]
    keep = form.cleaned_data.get("keep_previous_as_deputy", False)
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "team/confirm_dsl.html",
            {"form": form, "person": person, "keep": keep, "current": roles.current_dsl()},
        )
    try:
        previous = team.hand_over_dsl(request, person, keep_previous_as_deputy=keep)
    except team.NotAppointable as refusal:
        messages.error(request, str(refusal))
        return redirect("team")
    messages.success(
        request,
        f"{person} is now the DSL."
        + (f" {previous} has been told by email." if previous and previous.email else ""),
    )
    request.user.refresh_roles()
    if not team.may_manage_team(request.user):
        return redirect("dashboard")  # a DSL who handed over no longer manages the team
    return redirect("team")


@login_required
@require_POST
def add_deputy(request):
    _manager(request)
    if _refused(request):
        return redirect("team")
    form = AddDeputyForm(request.POST, actor=request.user)
    if not form.is_valid():
        return _render(request, deputy_form=form, status=400)
    try:
        team.add_deputy(request, form.cleaned_data["person"])
    except team.NotAppointable as refusal:
        messages.error(request, str(refusal))
        return redirect("team")
    messages.success(request, f"{form.cleaned_data['person']} is now a deputy DSL.")
    return redirect("team")


@login_required
@require_POST
def remove_deputy(request, pk):
    _manager(request)
    if _refused(request):
        return redirect("team")
    person = get_object_or_404(roles.deputies(), pk=pk)
    team.remove_deputy(request, person)
    messages.success(request, f"{person} is no longer a deputy DSL.")
    return redirect("team")


# --- appointments: the chair of governors and the head teacher -------------------------------


class AppointChairForm(forms.Form):
    person = StaffChoiceField(
        queryset=team.chair_candidates(),
        label="New chair of governors",
        empty_label="Choose a governor",
        help_text=(
            "Only active governors who are not members of staff and have signed in before can "
            "be appointed, and never an account you created or changed."
        ),
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = team.chair_candidates(actor)


class AppointClerkForm(forms.Form):
    person = StaffChoiceField(
        queryset=team.clerk_candidates(),
        label="New clerk to the governors",
        empty_label="Choose a person",
        help_text=(
            "Members of staff (not the head teacher), governors (not the chair), or an account "
            "with no role yet, made by the IT technician for a clerk from outside the school, "
            "once they have signed in. Never an account you created or changed."
        ),
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = team.clerk_candidates(actor)


class AppointHeadForm(forms.Form):
    person = StaffChoiceField(
        queryset=team.head_candidates(),
        label="New head teacher",
        empty_label="Choose a member of staff",
        help_text=(
            "Only active members of staff who have signed in before can be appointed, and "
            "never an account you created or changed."
        ),
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = team.head_candidates(actor)


APPOINTMENTS = {
    Role.CHAIR_OF_GOVERNORS: (team.may_appoint_chair, AppointChairForm),
    Role.CLERK: (team.may_appoint_clerk, AppointClerkForm),
    Role.HEAD_TEACHER: (team.may_appoint_head, AppointHeadForm),
}
WHO_APPOINTS = {
    Role.CHAIR_OF_GOVERNORS: "The DSL or the clerk to the governors appoints the chair.",
    Role.CLERK: "The chair of governors or the DSL appoints the clerk.",
    Role.HEAD_TEACHER: "The chair of governors appoints the head teacher.",
}
# What the appointment means, shown before it is confirmed.
WHAT_IT_MEANS = {
    Role.CHAIR_OF_GOVERNORS: "The chair of governors handles concerns about the head teacher "
    "from now on.",
    Role.CLERK: "The clerk to the governors appoints the chair of governors from now on.",
    Role.HEAD_TEACHER: "The head teacher handles concerns about adults routed to that role "
    "from now on.",
}


def _appointer(request, role=None):
    """The DSL or the clerk (the chair), the chair or the DSL (the clerk), the chair (the head
    teacher); 404 for anyone else, before any prompt. Always with a verified second factor:
    these roles open allegations, or choose who does."""
    allowed = APPOINTMENTS[role][0] if role else team.may_use_appointments
    if not allowed(request.user):
        raise Http404
    access.require_second_factor(request.user, always=True)


def _render_appointments(request, forms_given=None, status=200):
    forms_given = forms_given or {}
    sections = []
    for role, (allowed, form_class) in APPOINTMENTS.items():
        sections.append(
            {
                "role": role,
                "key": role.value,
                "holders": list(team.holders(role)),
                "who_appoints": WHO_APPOINTS[role],
                "form": (
                    forms_given.get(role) or form_class(actor=request.user)
                    if allowed(request.user)
                    else None
                ),
            }
        )
    return render(request, "team/appointments.html", {"sections": sections}, status=status)


@login_required
def appointments_page(request):
    _appointer(request)
    return _render_appointments(request)


@login_required
@require_POST
def appoint(request, role):
    """Two steps, as for the DSL: the chosen person is shown; only "confirm" hands over."""
    try:
        role = Role(role)
    except ValueError:
        raise Http404 from None
    if role not in APPOINTMENTS:
        raise Http404
    _appointer(request, role)
    if _refused(request):
        return redirect("team_appointments")
    form = APPOINTMENTS[role][1](request.POST, actor=request.user)
    if not form.is_valid():
        return _render_appointments(request, {role: form}, status=400)
    person = form.cleaned_data["person"]
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "team/confirm_appointment.html",
            {
                "form": form,
                "person": person,
                "role": role,
                "current": list(team.holders(role)),
                "what_it_means": WHAT_IT_MEANS[role],
            },
        )
    try:
        previous = team.hand_over(request, role, person)
    except team.NotAppointable as refusal:
        messages.error(request, str(refusal))
        return redirect("team_appointments")
    told = ", ".join(str(p) for p in previous if p.is_active and p.email)
    messages.success(
        request,
        f"{person} is now the {role.label.lower()}."
        + (f" {told} has been told by email." if told else ""),
    )
    request.user.refresh_roles()
    if not team.may_use_appointments(request.user):
        return redirect("dashboard")
    return redirect("team_appointments")
