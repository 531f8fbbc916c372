"""Staff pages for working with families: meeting requests (P7), messages to parents (P12),
asking permission to discuss a case with a class (P24), and ending or restoring a parent or
carer's link to a child (P12, P13). For school staff only (``policy.is_school_staff``); each
object is opened with the permission the act needs, and refusals are 404s.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.audit import record_list_look

from .. import family_links, notifications
from ..forms.families import (
    DiscussionRequestForm,
    EndParentLinkForm,
    FamilyNoticeForm,
    MeetingAnswerForm,
    RestoreParentLinkForm,
)
from ..models import DiscussionPermission, FamilyNotice, MeetingRequest, ParentLink, Student
from ..models.families import EndedParentLink
from ..policy import END_PARENT_LINK, FAMILY_CONTACT, is_school_staff, may_restore_parent_links
from .students import back_to_student

# --- meeting requests (P7) ---------------------------------------------------------------------


@access.requires(is_school_staff)
def meeting_list(request):
    """The meeting requests of the children this person teaches (all, for the safeguarding team)."""
    meetings = access.visible(
        request, MeetingRequest.objects.select_related("student"), FAMILY_CONTACT
    )
    record_list_look(request, "meeting requests")
    return render(
        request,
        "records/meeting_list.html",
        {"open": meetings.open(), "answered": meetings.exclude(status="open")[:50]},
    )


@access.requires(is_school_staff)
def meeting_detail(request, pk):
    meeting = access.open_object(
        request,
        MeetingRequest.objects.select_related("student", "requested_by", "answered_by"),
        FAMILY_CONTACT,
        pk=pk,
    )
    form = MeetingAnswerForm(request.POST or None) if meeting.is_open else None
    if request.method == "POST" and form is not None and form.is_valid():
        with transaction.atomic():
            meeting.answer(by=request.user, **form.cleaned_data)
            transaction.on_commit(lambda: notifications.tell_requester_of_reply(meeting))
        messages.success(request, "Your reply has been sent; the parent reads it in the portal.")
        return redirect("records:meeting_list")
    return render(
        request,
        "records/meeting_detail.html",
        {"meeting": meeting, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


# --- messages to the family (P12) --------------------------------------------------------------


@access.requires(is_school_staff)
def send_notice(request, pk):
    student = access.open_object(request, Student.objects.all(), FAMILY_CONTACT, pk=pk)
    form = FamilyNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            notice: FamilyNotice = form.save(commit=False)
            notice.student, notice.sent_by = student, request.user
            notice.save()
            transaction.on_commit(
                lambda: notifications.tell_parents(student, "a new message from the school")
            )
        messages.success(request, "Message sent. The parents and carers read it in the portal.")
        return back_to_student(student, "family")
    return render(
        request,
        "records/family_form.html",
        {"student": student, "form": form, "heading": "Send a message to the family"},
        status=400 if form.errors else 200,
    )


# --- ending a parent or carer's link (P12, P13) ------------------------------------------------


@access.requires(is_school_staff)
def end_parent_link(request, pk, link_pk):
    """The office or the safeguarding team ends a parent or carer's link to this child, saying
    why: the adult loses the child's portal at once, and the DSL is told (``family_links``)."""
    student = access.open_object(request, Student.objects.all(), END_PARENT_LINK, pk=pk)
    link = ParentLink.objects.filter(student=student, pk=link_pk).select_related("parent").first()
    if link is None:
        raise Http404
    form = EndParentLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            try:
                family_links.end_link(link, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None if error.code == "own_child" else "reason", error)
            else:
                # Who was linked and why it ended stay encrypted with the ended link.
                access.record_access(request, student, how="family-link-ended")
        if not form.errors:
            messages.success(
                request,
                f"{link.parent} is no longer linked to {student} and no longer sees them in the "
                "parent portal. The DSL has been told.",
            )
            return back_to_student(student, "family")
    return render(
        request,
        "records/end_parent_link.html",
        {"student": student, "link": link, "form": form},
        status=400 if form.errors else 200,
    )


@access.requires(may_restore_parent_links, second_factor=True)
def restore_parent_link(request, pk, ended_pk):
    """The DSL, verified, deliberately gives back a link the school ended (no import ever does,
    P12, P13), saying why: audited, and the child's parents with responsibility are told as for
    any new link. Anyone else: 404."""
    student = access.open_object(request, Student.objects.all(), END_PARENT_LINK, pk=pk)
    ended = (
        EndedParentLink.objects.filter(student=student, pk=ended_pk, restored_at__isnull=True)
        .select_related("parent")
        .first()
    )
    if ended is None or ended.parent is None:
        raise Http404
    form = RestoreParentLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                family_links.restore_link(
                    ended, by=request.user, reason=form.cleaned_data["reason"]
                )
                access.record_access(request, student, how="family-link-restored")
        except (ValidationError, family_links.LinkWasEnded) as error:
            form.add_error(None, getattr(error, "messages", [str(error)]))
        else:
            messages.success(
                request,
                f"{ended.parent} is linked to {student} again and sees them in the parent portal.",
            )
            return back_to_student(student, "family")
    return render(
        request,
        "records/restore_parent_link.html",
        {"student": student, "ended": ended, "form": form},
        status=400 if form.errors else 200,
    )


# --- permission to discuss a case with a class (P24) -------------------------------------------


@access.requires(is_school_staff)
def ask_discussion(request, pk):
    student = access.open_object(request, Student.objects.all(), FAMILY_CONTACT, pk=pk)
    form = DiscussionRequestForm(request.POST or None, student=student)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            DiscussionPermission(
                student=student,
                teaching_group=form.cleaned_data["teaching_group"],
                topic=form.cleaned_data["topic"],
                requested_by=request.user,
            ).save()
            transaction.on_commit(
                lambda: notifications.tell_parents(
                    student, "a request for your permission", responsibility_only=True
                )
            )
        messages.success(
            request, "The parents have been asked. Do not discuss the case until they say yes."
        )
        return back_to_student(student, "family")
    return render(
        request,
        "records/family_form.html",
        {
            "student": student,
            "form": form,
            "heading": "Ask the parents' permission to discuss this with a class",
            "guidance": "Policy: a child's individual case is only discussed with a class "
            "after the parents have agreed.",
        },
        status=400 if form.errors else 200,
    )


@access.requires(is_school_staff)
@require_POST
def discussion_used(request, pk):
    """Record that the case was discussed with the class; refused without the parents' yes."""
    permission = access.open_object(
        request, DiscussionPermission.objects.select_related("student"), FAMILY_CONTACT, pk=pk
    )
    try:
        permission.mark_used(by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Recorded: the case was discussed with the class.")
    return back_to_student(permission.student, "family")
