"""The "Safeguarding team" page (P8): who the DSL and the deputies are, and, for the head
teacher and the DSL (with a confirmed second factor), handing the DSL role over and appointing
or standing down deputies. The "Appointments" page beside it: the DSL or the clerk appoints the
chair of governors, the chair or the DSL appoints the clerk (never the head teacher, either),
and the chair appoints the head teacher. Everyone else gets 404: the pages do not exist for
them."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from confidentiality import access, roles, team
from confidentiality.forms.team import (
    AddDeputyForm,
    AppointChairForm,
    AppointClerkForm,
    AppointDSLForm,
    AppointHeadForm,
)
from confidentiality.roles import Role


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


# The team pages: the head teacher or the DSL (P8), with their confirmed second factor; 404 for
# anyone else, before any prompt for one.
manages_the_team = access.requires(team.may_manage_team)


@manages_the_team
def team_page(request):
    return _render(request)


@manages_the_team
@require_POST
def appoint_dsl(request):
    """Two steps: the chosen person is shown for confirmation; only "confirm" hands over."""
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


@manages_the_team
@require_POST
def add_deputy(request):
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


@manages_the_team
@require_POST
def remove_deputy(request, pk):
    if _refused(request):
        return redirect("team")
    person = get_object_or_404(roles.deputies(), pk=pk)
    team.remove_deputy(request, person)
    messages.success(request, f"{person} is no longer a deputy DSL.")
    return redirect("team")


# --- appointments: the chair of governors and the head teacher -------------------------------


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


# The appointments pages: whoever may make at least one appointment (the DSL or the clerk: the
# chair; the chair or the DSL: the clerk; the chair: the head teacher); 404 for anyone else,
# before any prompt. Always with a confirmed second factor, whatever the role: these people
# appoint those who open allegations.
makes_appointments = access.requires(team.may_use_appointments, second_factor=True)


@makes_appointments
def appointments_page(request):
    return _render_appointments(request)


@makes_appointments
@require_POST
def appoint(request, role):
    """Two steps, as for the DSL: the chosen person is shown; only "confirm" hands over. The
    role in the address is one this person appoints, or there is no such page (404)."""
    try:
        role = Role(role)
    except ValueError:
        raise Http404 from None
    if role not in APPOINTMENTS or not APPOINTMENTS[role][0](request.user):
        raise Http404
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
