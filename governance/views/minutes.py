"""The confidential minutes of a meeting, and moving an item between the two parts (P17).

The confidential minutes are opened only through the meeting's ``read_confidential_minutes``,
which no role holds for every meeting: the governors who attended, the clerk and the head teacher
(``Meeting.relational_permissions``). Anyone else gets a 404. Each look is one audit entry, and
needs the reader's second factor as ``policy.confidential_needs_second_factor`` says.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.audit import record_access

from ..forms.minutes import MinuteItemForm
from ..policy import (
    CONFIDENTIAL_MINUTES,
    MANAGE_MEETING,
    confidential_needs_second_factor,
    may_manage_meetings,
    may_read_governance,
)
from .meetings import open_meeting


def open_confidential(request, pk):
    """The meeting, for someone who reads its confidential minutes: with their second factor
    confirmed if they are the chair, the clerk or the head teacher, or have set one up
    (``policy.confidential_needs_second_factor``). Asked only after the permission check, so
    anyone else gets the 404 and learns nothing."""
    return open_meeting(
        request,
        pk,
        CONFIDENTIAL_MINUTES,
        how="confidential minutes",
        second_factor=confidential_needs_second_factor(request.user),
    )


def managed_confidential(request, pk):
    """The meeting, for someone who both manages meetings and reads its confidential minutes."""
    meeting = open_confidential(request, pk)
    if not access.has_permission(request.user, MANAGE_MEETING, meeting):
        raise Http404
    return meeting


@access.requires(may_read_governance)
def confidential_minutes(request, pk):
    """The confidential minutes, the confidential items of the head teacher's report to this
    meeting and its confidential papers. The clerk (or the chair, if they attended) adds items."""
    meeting = open_confidential(request, pk)
    may_manage = access.has_permission(request.user, MANAGE_MEETING, meeting)
    form = MinuteItemForm(request.POST or None) if may_manage else None
    refusal = None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                meeting.add_confidential_item(**form.cleaned_data)
            except ValidationError as error:
                refusal = error.messages[0]
            else:
                messages.success(request, "Item added to the confidential minutes.")
                return redirect("governance:confidential_minutes", pk=meeting.pk)
    report_items = [
        (report, list(report.confidential_items()))
        for report in meeting.head_reports.filter(sent_at__isnull=False)
    ]
    return render(
        request,
        "governance/confidential_minutes.html",
        {
            "meeting": meeting,
            "items": meeting.confidential_minutes.all(),
            "report_items": [(r, items) for r, items in report_items if items],
            "papers": meeting.papers.filter(confidential=True),
            "form": form,
            "refusal": refusal,
            "may_manage": may_manage,
        },
        status=400 if form is not None and form.is_bound else 200,
    )


@access.requires(may_manage_meetings, second_factor=True)
@require_POST
def make_confidential(request, pk, item_pk):
    """Move an item of the draft public minutes to the confidential minutes (audited)."""
    meeting = open_meeting(request, pk, MANAGE_MEETING, how="edit")
    item = get_object_or_404(meeting.public_minutes.all(), pk=item_pk)
    try:
        item.make_confidential()
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        record_access(request, meeting, how="minute made confidential")
        messages.success(
            request,
            f"Item {item.number} moved to the confidential minutes: it will not be published.",
        )
    return redirect("governance:meeting", pk=meeting.pk)


@access.requires(may_manage_meetings, second_factor=True)
@require_POST
def make_public(request, pk, item_pk):
    """Move an item of the confidential minutes back to the public ones: only while the minutes
    are a draft, never after publication (the refusal says why)."""
    meeting = managed_confidential(request, pk)
    item = get_object_or_404(meeting.confidential_minutes.all(), pk=item_pk)
    try:
        item.make_public()
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        record_access(request, meeting, how="minute made public")
        messages.success(request, f"Item {item.number} moved back to the public minutes.")
    return redirect("governance:confidential_minutes", pk=meeting.pk)
