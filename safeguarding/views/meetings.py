"""Meetings about a child and decisions not to refer (P3): each part of the chronology.

A meeting is reached through the child (``children/<child>/meetings/<meeting>/``): the child is
opened through the safeguarding file's door (team only, second factor, one blind audit entry),
then only that child's meetings can be found. A decision not to refer belongs to a concern and
is recorded and read through the concern's own door.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from confidentiality import access
from records.models import Student

from ..forms.meetings import DecisionNotToReferForm, MeetingForm
from ..models import CaseMeeting, Concern, DecisionNotToRefer
from ..policy import is_safeguarding_team, may_handle_concerns
from .profile import open_child_file
from .team import team_concern


def meeting_url(meeting) -> str:
    return reverse(
        "safeguarding:meeting",
        kwargs={"pk": CaseMeeting.student.pk_of(meeting), "meeting_pk": meeting.pk},
    )


def decisions_url(concern, decision=None) -> str:
    url = reverse("safeguarding:decisions_not_to_refer", kwargs={"pk": concern.pk})
    return url + (f"#decision-{decision.pk}" if decision else "")


@access.requires(is_safeguarding_team)
def add_meeting(request, pk):
    """Record a strategy discussion, a conference, a core group or a TAF meeting."""
    student = open_child_file(request, pk)
    concerns = Concern.objects.about_children().about(student).order_by("-created_at")
    form = MeetingForm(request.POST or None, concerns=concerns)
    if form.is_valid():
        meeting = CaseMeeting(student=student, recorded_by=request.user, **form.cleaned_data)
        meeting.save()
        messages.success(request, f"{meeting.get_kind_display()} recorded.")
        return redirect(meeting_url(meeting))
    return render(
        request,
        "safeguarding/meeting_form.html",
        {"student": student, "form": form},
        status=400 if form.is_bound else 200,
    )


@access.requires(is_safeguarding_team)
def meeting(request, pk, meeting_pk):
    # The meeting is found before the child is opened, so an address that pairs a meeting with
    # the wrong child is a 404 with no access entry for that child. (Only the team passes the
    # door above, and the team may open every child's file: looking first reveals nothing.)
    child = get_object_or_404(Student.objects.only("pk"), pk=pk)
    found = get_object_or_404(
        CaseMeeting.objects.about(child).select_related("recorded_by", "concern"),
        pk=meeting_pk,
    )
    student = open_child_file(request, pk)
    return render(
        request, "safeguarding/meeting_detail.html", {"student": student, "meeting": found}
    )


@access.requires(may_handle_concerns)
def decisions_not_to_refer(request, pk):
    """A concern's decisions not to refer, and the form to record one with its reasons."""
    concern = team_concern(request, pk)
    form = DecisionNotToReferForm(request.POST or None)
    if form.is_valid():
        decision = DecisionNotToRefer(concern=concern, decided_by=request.user, **form.cleaned_data)
        decision.save()
        concern.acknowledge(by=request.user)
        messages.success(request, "Decision not to refer recorded, with its reasons.")
        return redirect(decisions_url(concern, decision))
    return render(
        request,
        "safeguarding/decisions_not_to_refer.html",
        {
            "concern": concern,
            "decisions": concern.decisions_not_to_refer.select_related("decided_by"),
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )
