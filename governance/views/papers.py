"""Papers for a meeting: uploaded by the clerk or the chair, stored encrypted, downloaded through
the door. A confidential paper is opened only by those who read the confidential minutes."""

from django.contrib import messages
from django.shortcuts import redirect, render

from confidentiality import access, uploads

from ..forms.meetings import PaperForm
from ..models import Paper
from ..policy import (
    CONFIDENTIAL_MINUTES,
    MANAGE_MEETING,
    VIEW_MEETING,
    may_manage_meetings,
    may_read_governance,
)
from .meetings import open_meeting


@access.requires(may_manage_meetings)
def upload_paper(request, pk):
    meeting = open_meeting(request, pk, MANAGE_MEETING, how="edit")
    form = PaperForm(request.POST or None, request.FILES or None)
    if form.is_valid():
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
        {"meeting": meeting, "form": form, "had_file": bool(request.FILES)},
        status=400 if form.is_bound else 200,
    )


@access.requires(may_read_governance)
def download_paper(request, pk, paper_pk):
    """One download, one audit entry. A confidential paper needs the confidential minutes'
    permission on its meeting (P17); anyone else gets a 404, as for a paper that does not exist."""
    papers = Paper.objects.filter(meeting_id=pk)
    confidential = papers.filter(pk=paper_pk, confidential=True).exists()
    paper = access.open_object(
        request,
        papers,
        CONFIDENTIAL_MINUTES if confidential else VIEW_MEETING,
        how="download",
        pk=paper_pk,
    )
    name = str(paper.filename or "paper")
    extension = uploads.extension_for(paper.content_type)
    if not name.lower().endswith(extension):
        name += extension
    return uploads.download(paper.content, content_type=paper.content_type, filename=name)
