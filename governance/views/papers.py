"""Papers for a meeting: uploaded by the clerk or the chair, stored encrypted, downloaded through
the door. A confidential paper is opened only by those who read the confidential minutes. Until
the minutes are approved the clerk or the chair replaces a paper with a new version or removes
it; after that the papers are what governors were given."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from confidentiality import access, uploads

from ..forms.meetings import PaperForm, ReplacePaperForm
from ..models import Paper
from ..policy import (
    CONFIDENTIAL_MINUTES,
    MANAGE_MEETING,
    VIEW_MEETING,
    confidential_needs_second_factor,
    may_manage_meetings,
    may_read_governance,
)
from .editing import edit_page, remove_and_say
from .meetings import open_meeting, refused


@access.requires(may_manage_meetings, second_factor=True)
def upload_paper(request, pk):
    meeting = open_meeting(request, pk, MANAGE_MEETING, how="edit")
    form = PaperForm(request.POST or None, request.FILES or None)
    refusal = refused(meeting, "its papers", form)
    if not refusal and form.is_valid():
        upload = form.cleaned_data["file"]
        paper = Paper(
            meeting=meeting,
            title=form.cleaned_data["title"],
            filename=upload.name[:200],
            content_type=upload.detected_type,
            size=len(upload.data),
            content=upload.data,
            confidential=form.cleaned_data["confidential"],
            uploaded_by=request.user,
        )
        paper.save()
        kind = "Confidential paper" if paper.confidential else "Paper"
        messages.success(request, f"{kind} “{paper.title}” added.")
        return redirect("governance:meeting", pk=meeting.pk)
    return render(
        request,
        "governance/paper_form.html",
        {"meeting": meeting, "form": form, "had_file": bool(request.FILES), "refusal": refusal},
        status=400 if form.is_bound else 200,
    )


@access.requires(may_read_governance)
def download_paper(request, pk, paper_pk):
    """One download, one audit entry. A confidential paper needs the confidential minutes'
    permission on its meeting (P17), and the reader's second factor as for those minutes;
    anyone else gets a 404, as for a paper that does not exist."""
    papers = Paper.objects.filter(meeting_id=pk)
    confidential = papers.filter(pk=paper_pk, confidential=True).exists()
    paper = access.open_object(
        request,
        papers,
        CONFIDENTIAL_MINUTES if confidential else VIEW_MEETING,
        how="download",
        second_factor=confidential and confidential_needs_second_factor(request.user),
        pk=paper_pk,
    )
    name = str(paper.filename or "paper")
    extension = uploads.extension_for(paper.content_type)
    if not name.lower().endswith(extension):
        name += extension
    return uploads.download(paper.content, content_type=paper.content_type, filename=name)


def _managed_paper(request, pk, paper_pk):
    """A paper of a meeting, for the clerk or the chair; a confidential one only for those who
    also read the meeting's confidential minutes (a 404 for anyone else, as if there were none)."""
    meeting = open_meeting(request, pk, MANAGE_MEETING, how="edit")
    paper = get_object_or_404(meeting.papers.all(), pk=paper_pk)
    if paper.confidential and not access.has_permission(
        request.user, CONFIDENTIAL_MINUTES, meeting
    ):
        raise Http404
    return meeting, paper


@access.requires(may_manage_meetings, second_factor=True)
def replace_paper(request, pk, paper_pk):
    """A new version of a paper, or its removal, while the minutes are a draft."""
    meeting, paper = _managed_paper(request, pk, paper_pk)
    form = ReplacePaperForm(
        request.POST or None, request.FILES or None, initial={"title": str(paper.title)}
    )
    refusal = refused(meeting, "its papers", form)
    if not refusal and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            paper.replace(
                title=form.cleaned_data["title"],
                filename=upload.name[:200],
                content_type=upload.detected_type,
                content=upload.data,
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "The new version of the paper is in place.")
            return redirect("governance:meeting", pk=meeting.pk)
    kind = "confidential paper" if paper.confidential else "paper"
    return edit_page(
        request,
        form,
        meeting=meeting,
        heading=f"Replace or remove a {kind}",
        submit="Replace the paper",
        back=reverse("governance:meeting", args=[meeting.pk]),
        refusal=refusal,
        delete=reverse("governance:remove_paper", args=[meeting.pk, paper.pk]),
        delete_label="Remove the paper",
        paper=paper,
        multipart=True,
        had_file=bool(request.FILES),
    )


@access.requires(may_manage_meetings, second_factor=True)
@require_POST
def remove_paper(request, pk, paper_pk):
    meeting, paper = _managed_paper(request, pk, paper_pk)
    remove_and_say(request, paper, "The paper is removed from the meeting.")
    return redirect("governance:meeting", pk=meeting.pk)
