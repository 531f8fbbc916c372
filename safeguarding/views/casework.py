"""The verbs on a concern: each a POST that opens the concern through the door (only those who
handle it: the team, or the people a concern about an adult was routed to; a verified second
factor; one audit entry), does one thing, and returns to the concern. A form with errors
re-renders the concern page with what was typed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.uploads import download

from .. import information_sharing, routing
from ..forms.casework import (
    ActionForm,
    CloseForm,
    NoteForm,
    ReferralForm,
    ReferralUpdateForm,
    TriageForm,
    link_children_formset,
)
from ..models import Action, CaseNote, Concern, ConcernAttachment, Referral
from ..policy import CASEWORK, is_safeguarding_team, may_handle_concerns
from .profile import offer_status_update
from .team import render_concern, team_concern


def _back(concern, anchor=""):
    return redirect(f"{concern_url(concern)}{anchor}")


def concern_url(concern):
    from django.urls import reverse

    return reverse("safeguarding:concern", kwargs={"pk": concern.pk})


@access.requires(may_handle_concerns)
@require_POST
def acknowledge(request, pk):
    """Acknowledging stops escalation (P3)."""
    concern = team_concern(request, pk)
    concern.acknowledge(by=request.user)
    messages.success(request, f"Concern {concern.reference} acknowledged.")
    return _back(concern)


@access.requires(may_handle_concerns)
@require_POST
def triage(request, pk):
    concern = team_concern(request, pk)
    form = TriageForm(request.POST, concern=concern, prefix="triage")
    if form.is_valid():
        try:
            concern.triage(
                request.user,
                assigned_to=form.cleaned_data["assigned_to"],
                level=form.cleaned_data["level"],
                level_reason=form.cleaned_data["level_reason"],
                # No "linked" box when there is nothing to link: the links stay as they are.
                linked=form.cleaned_data.get("linked"),
                category=form.cleaned_data.get("category"),
                other_categories=form.cleaned_data.get("other_categories"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Triage saved.")
            return _back(concern, "#triage")
    return render_concern(request, concern, status=400, triage=form)


@access.requires(is_safeguarding_team)
@require_POST
def link_children(request, pk):
    """Link the child a concern names only in words (raised by someone yet to sign the
    agreement) to their record, so it joins the child's chronology (P3). Team only."""
    # The door for casework on a concern about a child: a concern about an adult names no child
    # (404, and no access entry for it).
    concern = access.open_object(
        request,
        Concern.objects.about_children().select_related("raised_by", "assigned_to"),
        CASEWORK,
        second_factor=True,
        pk=pk,
    )
    formset = link_children_formset(request.POST, concern=concern)
    if not formset.is_valid():
        return render_concern(request, concern, status=400, link=formset)
    try:
        linked = concern.link_children(formset.entries(), by=request.user)
    except ValidationError as error:
        formset._non_form_errors = formset.error_class(error.messages)
        return render_concern(request, concern, status=400, link=formset)
    names = ", ".join(str(student) for student in linked)
    messages.success(request, f"Linked to concern {concern.reference}: {names}.")
    return _back(concern)


@access.requires(may_handle_concerns)
@require_POST
def add_note(request, pk):
    concern = team_concern(request, pk)
    form = NoteForm(request.POST, prefix="note")
    if not form.is_valid():
        return render_concern(request, concern, status=400, note=form)
    CaseNote(concern=concern, author=request.user, text=form.cleaned_data["text"]).save()
    messages.success(request, "Note added.")
    return _back(concern, "#notes")


@access.requires(may_handle_concerns)
@require_POST
def add_action(request, pk):
    """An action with the person who will do it: theirs as a task at once (an alert, and an
    email that says nothing of the concern; ``routing.tell_assignee``)."""
    concern = team_concern(request, pk)
    form = ActionForm(request.POST, prefix="action", concern=concern)
    if not form.is_valid():
        return render_concern(request, concern, status=400, action=form)
    with transaction.atomic():
        action = Action(concern=concern, created_by=request.user, **form.action_fields())
        action.save()
        concern.acknowledge(by=request.user)
        routing.tell_assignee(action)
    if action.owner_id == request.user.pk:
        messages.success(request, "Action added.")
    else:
        messages.success(request, f"Action added. {action.owner} has been told of their task.")
    return _back(concern, "#actions")


@access.requires(may_handle_concerns)
@require_POST
def complete_action(request, pk, action_pk):
    concern = team_concern(request, pk)
    get_object_or_404(Action, concern=concern, pk=action_pk).complete(by=request.user)
    messages.success(request, "Action marked done.")
    return _back(concern, "#actions")


@access.requires(may_handle_concerns)
@require_POST
def add_referral(request, pk):
    """A referral, under P2's rule when it is about a child: told first, or why not. Once made,
    it is recorded as an information share (the parents' notice, a support action)."""
    concern = team_concern(request, pk)
    form = ReferralForm(request.POST, prefix="referral", concern=concern)
    if form.is_valid():
        referral = Referral(concern=concern, made_by=request.user, **form.referral_fields())
        try:
            information_sharing.record_referral(referral, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _referral_recorded(referral))
            return _back(concern, "#referrals")
    return render_concern(request, concern, status=400, referral=form)


_SHARED = " It is recorded as an information share, with a support action on the concern."


def _referral_recorded(referral) -> str:
    said = "Referral recorded. Its statutory clock is on the dashboard."
    if referral.shares.exists():
        said += _SHARED
    return said


@access.requires(may_handle_concerns)
@require_POST
def update_referral(request, pk, referral_pk):
    concern = team_concern(request, pk)
    referral = get_object_or_404(Referral, concern=concern, pk=referral_pk)
    form = ReferralUpdateForm(request.POST, prefix=f"ref-{referral.pk}")
    if not form.is_valid():
        return render_concern(request, concern, status=400, **{f"update_{referral.pk}": form})
    with transaction.atomic():
        referral.record_progress(**form.cleaned_data, by=request.user)
        # Made now: shared now (P2), if it is about a child and was not shared before.
        shared = information_sharing.share_referral(referral, by=request.user)
    messages.success(request, "Referral updated." + (_SHARED if shared else ""))
    offer_status_update(request, referral)  # an outcome from children's social care
    return _back(concern, "#referrals")


@access.requires(may_handle_concerns)
@require_POST
def close(request, pk):
    concern = team_concern(request, pk)
    form = CloseForm(request.POST, prefix="close")
    if form.is_valid():
        try:
            concern.close(
                by=request.user,
                decision=form.cleaned_data["decision"],
                rationale=form.cleaned_data["rationale"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Concern {concern.reference} closed.")
            return _back(concern)
    return render_concern(request, concern, status=400, close=form)


@access.requires(may_handle_concerns)
@require_POST
def reopen(request, pk):
    concern = team_concern(request, pk)
    concern.reopen(by=request.user)
    messages.info(request, f"Concern {concern.reference} reopened.")
    return _back(concern)


@access.requires(may_handle_concerns)
def download_attachment(request, pk, attachment_pk):
    """A file attached to a concern, for those who handle the concern: the concern is opened
    through the door as a download, so the one audit entry names the concern's subject and the
    file's address."""
    concern = team_concern(request, pk, how="download")
    attachment = get_object_or_404(ConcernAttachment, concern=concern, pk=attachment_pk)
    return download(
        attachment.content, content_type=attachment.content_type, filename=attachment.filename
    )
