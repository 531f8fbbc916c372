"""The governing body's meetings (P16, P17): the list, calling a meeting, its page (agenda,
attendance, papers and the public minutes), the agenda, attendance, approval and publication.

Every meeting is opened through the door (``access.open_object``: one audit entry per look);
the list through ``access.visible``. Nothing here links to a child's or a staff member's record.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.audit import record_access
from confidentiality.page_lists import read_together

from ..forms.meetings import AgendaItemForm, AttendanceForm, MeetingForm
from ..forms.minutes import ApprovalForm, MinuteItemForm
from ..models import AgendaItem, Meeting
from ..policy import (
    CONFIDENTIAL_MINUTES,
    MANAGE_MEETING,
    VIEW_MEETING,
    confirmed_for_confidential,
    may_manage_meetings,
    may_read_governance,
)


def open_meeting(request, pk, perm=VIEW_MEETING, how="view", second_factor=False, meetings=None):
    return access.open_object(
        request,
        Meeting.objects.all() if meetings is None else meetings,
        perm,
        how=how,
        second_factor=second_factor,
        pk=pk,
    )


def _bound_status(form) -> int:
    return 400 if form.is_bound else 200


def refused(meeting, what: str, form) -> str | None:
    """Why ``what`` may not change now (the minutes are approved), or None. On a post the reason
    is also the form's error, so the error summary says it and nothing typed is lost."""
    try:
        meeting.check_may_edit(what)
    except ValidationError as error:
        if form.is_bound:
            form.add_error(None, error.messages[0])
        return error.messages[0]
    return None


@access.requires(may_read_governance)
def meeting_list(request):
    meetings = access.visible(request, Meeting.objects.all(), VIEW_MEETING)
    confidential = set(
        access.visible(request, meetings, CONFIDENTIAL_MINUTES).values_list("pk", flat=True)
    )
    return render(
        request,
        "governance/meeting_list.html",
        {
            "meetings": meetings.select_related("minutes_approved_at"),
            "confidential": confidential,
            "may_manage": may_manage_meetings(request.user),
        },
    )


@access.requires(may_manage_meetings, second_factor=True)
def add_meeting(request):
    """The clerk (or the chair) calls a meeting."""
    form = MeetingForm(request.POST or None)
    if form.is_valid():
        meeting = Meeting(called_by=request.user, **form.cleaned_data)
        meeting.save()
        messages.success(request, f"Meeting of the {meeting} added. Now set its agenda.")
        return redirect("governance:meeting", pk=meeting.pk)
    return render(
        request, "governance/meeting_form.html", {"form": form}, status=_bound_status(form)
    )


@access.requires(may_read_governance)
def meeting_detail(request, pk):
    # The meeting at which its minutes were approved is named on the page: fetched with it.
    meeting = open_meeting(
        request, pk, meetings=Meeting.objects.select_related("minutes_approved_at")
    )
    user = request.user
    may_read_confidential = access.has_permission(user, CONFIDENTIAL_MINUTES, meeting)
    may_manage = access.has_permission(user, MANAGE_MEETING, meeting)
    papers = meeting.papers.select_related("uploaded_by")
    # A confidential paper's title is listed only to those who read it, and only once their
    # second factor is confirmed where it is needed (the link to the confidential minutes asks).
    if not (may_read_confidential and confirmed_for_confidential(user)):
        papers = papers.filter(confidential=False)
    # Every list of the meeting in one query, whatever their lengths (``page_lists``).
    lists = read_together(
        agenda=meeting.agenda.all(),
        attendances=meeting.attendances.select_related("person"),
        papers=papers,
        minutes=meeting.public_minutes.all(),
        approved_here=meeting.minutes_approved_here.all(),
        reports=meeting.head_reports.filter(sent_at__isnull=False),
    )
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "meeting": meeting,
            **lists,
            "may_manage": may_manage,
            # The clerk's and the chair's links to change things, while the minutes are a draft.
            "may_edit": may_manage and not meeting.minutes_approved,
            "may_read_confidential": may_read_confidential,
        },
    )


@access.requires(may_manage_meetings, second_factor=True)
def add_agenda_item(request, pk):
    meeting = open_meeting(request, pk, MANAGE_MEETING, how="edit")
    form = AgendaItemForm(request.POST or None)
    refusal = refused(meeting, "the agenda", form)
    if not refusal and form.is_valid():
        number = (meeting.agenda.order_by("-number").values_list("number", flat=True).first()) or 0
        AgendaItem(meeting=meeting, number=number + 1, title=form.cleaned_data["title"]).save()
        messages.success(request, f"Agenda item {number + 1} added.")
        if "another" in request.POST:
            return redirect("governance:add_agenda_item", pk=meeting.pk)
        return redirect("governance:meeting", pk=meeting.pk)
    return render(
        request,
        "governance/agenda_form.html",
        {"meeting": meeting, "form": form, "agenda": meeting.agenda.all(), "refusal": refusal},
        status=_bound_status(form),
    )


@access.requires(may_manage_meetings, second_factor=True)
def record_attendance(request, pk):
    """Who attended, who sent apologies and who was absent. Attending is what lets a governor
    read the meeting's confidential minutes (P17), so nobody records their own."""
    meeting = open_meeting(request, pk, MANAGE_MEETING, how="edit")
    form = AttendanceForm(request.POST or None, meeting=meeting, recorder=request.user)
    # The attendance is part of the minutes: fixed with them once they are approved.
    refusal = refused(meeting, "the attendance", form)
    if not refusal and form.is_valid():
        try:
            meeting.record_attendance(form.answers(), by=request.user)
        except ValidationError as error:
            form.add_error(form.own_field, error.messages[0])
        else:
            messages.success(request, "Attendance recorded.")
            return redirect("governance:meeting", pk=meeting.pk)
    return render(
        request,
        "governance/attendance_form.html",
        {"meeting": meeting, "form": form, "refusal": refusal},
        status=_bound_status(form),
    )


@access.requires(may_manage_meetings, second_factor=True)
def add_public_item(request, pk):
    """The clerk drafts an item of the public minutes."""
    meeting = open_meeting(request, pk, MANAGE_MEETING, how="edit")
    form = MinuteItemForm(request.POST or None)
    refusal = None
    if form.is_valid():
        try:
            meeting.add_public_item(**form.cleaned_data)
        except ValidationError as error:
            refusal = error.messages[0]
        else:
            messages.success(request, "Item added to the public minutes.")
            return redirect("governance:meeting", pk=meeting.pk)
    return render(
        request,
        "governance/minute_item_form.html",
        {"meeting": meeting, "form": form, "refusal": refusal, "confidential": False},
        status=400 if form.is_bound else 200,
    )


@access.requires(may_manage_meetings, second_factor=True)
def approve_minutes(request, pk):
    """Record that the minutes were approved at a later meeting."""
    meeting = open_meeting(request, pk, MANAGE_MEETING, how="edit")
    form = ApprovalForm(request.POST or None, meeting=meeting)
    if form.is_valid():
        try:
            meeting.approve_minutes(at=form.cleaned_data["approved_at"], by=request.user)
        except ValidationError as error:
            form.add_error("approved_at", error.messages[0])
        else:
            record_access(request, meeting, how="minutes approved")
            messages.success(request, f"Approval recorded: {meeting.minutes_state.lower()}.")
            return redirect("governance:meeting", pk=meeting.pk)
    return render(
        request,
        "governance/approval_form.html",
        {"meeting": meeting, "form": form},
        status=_bound_status(form),
    )


@access.requires(may_manage_meetings, second_factor=True)
@require_POST
def publish_minutes(request, pk):
    """Publish the approved public minutes on the public page (never the confidential ones)."""
    meeting = open_meeting(request, pk, MANAGE_MEETING, how="edit")
    try:
        meeting.publish_minutes(by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        record_access(request, meeting, how="minutes published")
        messages.success(
            request,
            "The public minutes are published. The confidential minutes "
            "are not, and never will be.",
        )
    return redirect("governance:meeting", pk=meeting.pk)
