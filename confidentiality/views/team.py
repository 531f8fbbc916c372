"""The "Safeguarding team" page (P8): who the DSL and the deputies are, and, for the head
teacher and the DSL (with a confirmed second factor), handing the DSL role over and appointing
or standing down deputies. Everyone else gets 404: the page does not exist for them."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from confidentiality import access, roles, team


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name() or user.username
        return f"{name} – {user.job_title}" if user.job_title else name


class AppointDSLForm(forms.Form):
    person = StaffChoiceField(
        queryset=team.dsl_candidates(),
        label="New DSL",
        empty_label="Choose a member of staff",
        help_text="Only active members of staff can be appointed.",
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
    previous = team.hand_over_dsl(request, person, keep_previous_as_deputy=keep)
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
    team.add_deputy(request, form.cleaned_data["person"])
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
