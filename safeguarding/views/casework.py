"""The steps of a concern's casework: each opens the concern through the door (only those who
handle it: the team, or the people a concern about an adult was routed to; a verified second
factor; one audit entry), and does one thing. A step with a form has a page of its own: asked
for (GET), its form under a short summary of the concern; sent (POST) and right, back to the
concern with a message; sent with errors, its page again with what was typed (status 400) and
the error summary at the top. One-click verbs (acknowledge, mark an action done, reopen) are
buttons on the concern page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.page_lists import as_prefetched, read_together
from confidentiality.uploads import download

from .. import body_map, information_sharing, routing
from ..forms.casework import (
    ActionForm,
    CloseForm,
    NoteForm,
    ReferralForm,
    ReferralUpdateForm,
    ToldFirstForm,
    TriageForm,
    link_children_formset,
)
from ..models import (
    Action,
    AdviceRequest,
    CaseNote,
    Concern,
    ConcernAttachment,
    ConcernSubject,
    InformationShare,
    Referral,
)
from ..policy import CASEWORK, is_safeguarding_team, may_handle_concerns
from .profile import offer_status_update
from .team import next_steps, render_step, team_concern


def render_concern(request, concern):
    """The concern page: the record, read-only, and what to do next (each step its own page,
    ``render_step``). Its casework (notes, actions, referrals, shares, attachments, linked and
    related concerns, the request for advice it came from) is read in one query
    (``read_together``), whatever its size; the children it names in one more, and the
    brothers and sisters its related concerns look for in one more."""
    subjects = [] if concern.is_about_adult else concern.named_children
    linked = concern.linked_concerns.all()
    # A concern naming no child (about an adult, or named only in words) has no related
    # concerns: no children, no brothers or sisters (and ``IN ()`` is no query to send).
    related = Concern.objects.none()
    if concern.student_pks():
        related = concern.related_concerns().exclude(pk__in=linked.values("pk"))[:20]
    found = read_together(
        shares=concern.shares.select_related("shared_by"),
        referrals=concern.referrals.select_related("made_by"),
        # The attachments' details, never their (encrypted) content.
        attachments=concern.attachments.defer("content", "uploaded_by"),
        notes=concern.notes.select_related("author"),
        actions=concern.actions.select_related("owner", "done_by"),
        linked=linked,
        related=related,
        advice_request=AdviceRequest.objects.filter(concern=concern).order_by("pk")[:1],
    )
    shares, referrals = found["shares"], found["referrals"]
    # Each row's concern is this one, as the related managers would have said: not read again.
    for kind in ("shares", "referrals", "attachments", "notes", "actions"):
        for row in found[kind]:
            row.concern = concern
    _name_the_children(shares, subjects)
    # Each referral's shares are among the concern's own: handed over, not asked for again.
    for referral in referrals:
        as_prefetched(referral, "shares", [s for s in shares if s.referral_id == referral.pk])
    context = {
        "concern": concern,
        "subjects": subjects,
        "marks": body_map.describe(concern.body_map or []),
        "attachments": found["attachments"],
        "notes": found["notes"],
        "actions": found["actions"],
        "referrals": referrals,
        "linked": found["linked"],
        "related": found["related"],
        "next_steps": next_steps(concern, subjects),
        "may_read_audit_trail": access.may_read_audit_trail(request.user),
        "shares": shares,
        "advice_request": next(iter(found["advice_request"]), None),
    }
    return render(request, "safeguarding/concern_detail.html", context)


def _name_the_children(shares, subjects) -> None:
    """Each share's child (a blind link), as ``with_students`` would: the children the concern
    names are already open; any other is read in one query for all."""
    cache = InformationShare.student.cache_name
    named = {str(s.student.pk): s.student for s in subjects}
    for share in shares:
        child = named.get(str(InformationShare.student.pk_of(share)))
        if child is not None:
            share.__dict__[cache] = child
    InformationShare.student.load(shares)


def _back(concern, anchor=""):
    return redirect(f"{concern_url(concern)}{anchor}")


def _sent(request):
    """The form's data when it was sent (even empty), else None: a blank form to fill in."""
    return request.POST if request.method == "POST" else None


def concern_url(concern):
    return reverse("safeguarding:concern", kwargs={"pk": concern.pk})


@access.requires(may_handle_concerns)
@require_POST
def acknowledge(request, pk):
    """Acknowledging stops escalation (P3). One button on the concern page."""
    concern = team_concern(request, pk)
    concern.acknowledge(by=request.user)
    messages.success(request, f"Concern {concern.reference} acknowledged.")
    return _back(concern)


@access.requires(may_handle_concerns)
def triage(request, pk):
    """Assign, set the level (with why), correct the categories, link related concerns."""
    concern = team_concern(request, pk)
    if request.method != "POST":
        return _triage_page(request, concern, TriageForm(concern=concern, prefix="triage"))
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
            return _back(concern)
    return _triage_page(request, concern, form, status=400)


def _triage_page(request, concern, form, status=200):
    return render_step(
        request,
        concern,
        "triage",
        form,
        title="Triage",
        status=status,
        linked=concern.linked_concerns.all(),
    )


@access.requires(is_safeguarding_team)
def link_children(request, pk):
    """Link the child a concern names only in words (raised by someone yet to sign the
    agreement) to their record, so it joins the child's chronology (P3). Team only. When a
    referral about a child was already made, it was about the child linked now: P2 asks
    whether the student and their parents were told first, and records the share for them."""
    # The door for casework on a concern about a child: a concern about an adult names no child
    # (404, and no access entry for it).
    concern = access.open_object(
        request,
        Concern.objects.about_children().select_related("raised_by", "assigned_to"),
        CASEWORK,
        second_factor=True,
        pk=pk,
    )
    referrals = information_sharing.referrals_to_share(concern)
    if request.method != "POST":
        formset = link_children_formset(concern=concern)
        told = ToldFirstForm(prefix="told") if referrals else None
        return _link_page(request, concern, formset, told, referrals)
    formset = link_children_formset(request.POST, concern=concern)
    linking_a_subject = formset.is_valid() and any(
        part == ConcernSubject.Part.SUBJECT for _student, part in formset.entries()
    )
    told = (
        ToldFirstForm(request.POST, prefix="told", needed=linking_a_subject) if referrals else None
    )
    told_answered = told is None or told.is_valid()
    if not (formset.is_valid() and told_answered):
        return _link_page(request, concern, formset, told, referrals, status=400)
    try:
        linked, shares = information_sharing.link_children(
            concern,
            formset.entries(),
            by=request.user,
            told=told.answers() if told is not None else None,
        )
    except ValidationError as error:
        formset._non_form_errors = formset.error_class(error.messages)
        return _link_page(request, concern, formset, told, referrals, status=400)
    names = ", ".join(str(student) for student in linked)
    said = f"Linked to concern {concern.reference}: {names}."
    if shares:
        which = "Each referral" if len({s.referral_id for s in shares}) > 1 else "The referral"
        said += (
            f" {which} already made is recorded as an information share for them, with a "
            "support action on the concern."
        )
    messages.success(request, said)
    return _back(concern)


def _link_page(request, concern, formset, told, referrals, status=200):
    return render_step(
        request,
        concern,
        "link_children",
        formset,
        title="Link the child's record" if not concern.named_children else "Link another child",
        status=status,
        told_form=told,
        referrals=referrals,
    )


@access.requires(may_handle_concerns)
def add_note(request, pk):
    concern = team_concern(request, pk)
    form = NoteForm(_sent(request), prefix="note")
    if request.method == "POST" and form.is_valid():
        CaseNote(concern=concern, author=request.user, text=form.cleaned_data["text"]).save()
        messages.success(request, "Note added.")
        return _back(concern, "#notes")
    return render_step(
        request, concern, "note", form, title="Add a note", status=400 if form.is_bound else 200
    )


@access.requires(may_handle_concerns)
def add_action(request, pk):
    """An action with the person who will do it: theirs as a task at once (an alert, and an
    email that says nothing of the concern; ``routing.tell_assignee``)."""
    concern = team_concern(request, pk)
    form = ActionForm(_sent(request), prefix="action", concern=concern)
    if request.method != "POST" or not form.is_valid():
        return render_step(
            request,
            concern,
            "action",
            form,
            title="Add an action",
            status=400 if form.is_bound else 200,
        )
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
    """A button by the action on the concern page."""
    concern = team_concern(request, pk)
    get_object_or_404(Action, concern=concern, pk=action_pk).complete(by=request.user)
    messages.success(request, "Action marked done.")
    return _back(concern, "#actions")


@access.requires(may_handle_concerns)
def add_referral(request, pk):
    """A referral, under P2's rule when it is about a child: told first, or why not. Once made,
    it is recorded as an information share (the parents' notice, a support action)."""
    concern = team_concern(request, pk)
    form = ReferralForm(_sent(request), prefix="referral", concern=concern)
    if request.method == "POST" and form.is_valid():
        referral = Referral(concern=concern, made_by=request.user, **form.referral_fields())
        try:
            information_sharing.record_referral(referral, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _referral_recorded(referral))
            return _back(concern, "#referrals")
    return render_step(
        request,
        concern,
        "referral",
        form,
        title="Record a referral",
        status=400 if form.is_bound else 200,
    )


_SHARED = " It is recorded as an information share, with a support action on the concern."


def _referral_recorded(referral) -> str:
    said = "Referral recorded. Its statutory clock is on the dashboard."
    if referral.shares.exists():
        said += _SHARED
    return said


@access.requires(may_handle_concerns)
def update_referral(request, pk, referral_pk):
    """When it was made, its written follow-up, what came of it."""
    concern = team_concern(request, pk)
    referral = get_object_or_404(Referral, concern=concern, pk=referral_pk)
    form = ReferralUpdateForm(_sent(request), prefix=f"ref-{referral.pk}")
    if request.method != "POST" or not form.is_valid():
        return render_step(
            request,
            concern,
            "referral_update",
            form,
            title=f"Update the referral to {referral.get_agency_display().lower()}",
            status=400 if form.is_bound else 200,
            referral=referral,
        )
    with transaction.atomic():
        referral.record_progress(**form.cleaned_data, by=request.user)
        # Made now: shared now (P2), if it is about a child and was not shared before.
        shared = information_sharing.share_referral(referral, by=request.user)
    messages.success(request, "Referral updated." + (_SHARED if shared else ""))
    offer_status_update(request, referral)  # an outcome from children's social care
    return _back(concern, "#referrals")


@access.requires(may_handle_concerns)
def close(request, pk):
    """Closed only with a decision and its rationale (``Concern.close``). A closed concern's
    page says so, with the way to reopen it."""
    concern = team_concern(request, pk)
    form = CloseForm(_sent(request), prefix="close")
    if request.method == "POST" and form.is_valid():
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
    return render_step(
        request,
        concern,
        "close",
        form,
        title="Reopen the concern"
        if concern.is_closed and not form.is_bound
        else "Close the concern",
        status=400 if form.is_bound else 200,
    )


@access.requires(may_handle_concerns)
@require_POST
def reopen(request, pk):
    """A button on the concern page (and on the closed concern's close page)."""
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
