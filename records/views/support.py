"""Staff pages around one child: who supports them (P5, P25), who else the DSL shares the family
section with (P6), and a pupil's requests to talk (P7).

Each page declares its audience at the door (``policy.may_assign_support``,
``may_share_family_section``, ``is_school_staff``); inside, the student is opened with the
permission the act needs and a talk request with its own grants (404 otherwise). The student
page shows these forms only to those the door would let in (``views.student_page.page_parts``).
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from confidentiality import access

from .. import notifications
from ..family_sharing import family_shared_with, share_family, stop_sharing_family
from ..forms.support import AssignmentForm, FamilyShareForm, TalkRequestCloseForm, TalkRequestForm
from ..models import FamilyShareDecision, Student, SupportAssignment, TalkRequest
from ..policy import (
    ANY_STUDENT_VIEW,
    ASSIGN_SUPPORT,
    CLOSE_TALK_REQUEST,
    RECORD_TALK_REQUEST,
    SHARE_FAMILY,
    VIEW_TALK_REQUEST,
    is_school_staff,
    may_assign_support,
    may_share_family_section,
)
from .students import back_to_student

# --- assigning a teaching assistant or health professional (P5, P25) --------------------------


@access.requires(may_assign_support, second_factor=True)
def assign_support(request, pk):
    """Assign a TA or a health professional to this child; the grants follow (records.grants).

    H1: an assignment opens the child's medical record or SEN support, so it is decided by the
    DSL, a deputy or the head teacher (``ASSIGN_SUPPORT``), with a verified second factor, and
    the decision is written to the audit trail."""
    student = access.open_object(request, Student.objects.all(), ASSIGN_SUPPORT, pk=pk)
    form = AssignmentForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                assignment, created = SupportAssignment.assign(
                    student=student, staff=data["staff"], kind=data["kind"], by=request.user
                )
                if created:
                    access.record_access(
                        request,
                        student,
                        how="support-assigned",
                        reason=f"{assignment.staff} ({assignment.staff.username}) assigned as "
                        f"{assignment.get_kind_display().lower()}",
                    )
        except ValidationError as error:
            form.add_error("staff", error)
        else:
            kind = assignment.get_kind_display().lower()
            if created:
                messages.success(request, f"{assignment.staff} is now assigned as {kind}.")
            else:
                messages.info(request, f"{assignment.staff} was already assigned as {kind}.")
            return back_to_student(student, "support")
    return render(
        request,
        "records/support_form.html",
        {"student": student, "form": form},
        status=400 if form.errors else 200,
    )


@access.requires(may_assign_support)
@require_POST
def end_assignment(request, pk, assignment_pk):
    student = access.open_object(request, Student.objects.all(), ASSIGN_SUPPORT, pk=pk)
    assignment = (
        SupportAssignment.objects.filter(student=student, pk=assignment_pk)
        .select_related("staff")
        .first()
    )
    if assignment is None:
        raise Http404
    assignment.end()
    messages.success(
        request,
        f"{assignment.staff} is no longer assigned as "
        f"{assignment.get_kind_display().lower()}; their access to this record has ended.",
    )
    return back_to_student(student, "support")


# --- sharing the family section (P6) ------------------------------------------------------------


@access.requires(may_share_family_section)
def share_family_section(request, pk):
    """The DSL or a deputy shares this child's personal and family circumstances with a named
    member of staff, saying why; the share and the reason go into the audit trail."""
    student = access.open_object(request, Student.objects.all(), SHARE_FAMILY, pk=pk)
    form = FamilyShareForm(request.POST or None, student=student)
    if request.method == "POST" and form.is_valid():
        person, reason = form.cleaned_data["person"], form.cleaned_data["reason"]
        with transaction.atomic():
            share_family(student, person)
            # The reason often describes the circumstances: it is kept encrypted with the
            # decision, and the audit trail says only who, with whom and when.
            FamilyShareDecision(
                student=student, person=person, shared=True, reason=reason, decided_by=request.user
            ).save()
            access.record_access(
                request,
                student,
                how="family-shared",
                reason=f"Family section shared with {person} ({person.username})",
            )
        messages.success(
            request, f"{person} can now read this child's personal and family circumstances."
        )
        return back_to_student(student, "support")
    return render(
        request,
        "records/family_share_form.html",
        {"student": student, "form": form, "shared_with": family_shared_with(student)},
        status=400 if form.errors else 200,
    )


@access.requires(may_share_family_section)
@require_POST
def stop_sharing_family_section(request, pk, user_pk):
    student = access.open_object(request, Student.objects.all(), SHARE_FAMILY, pk=pk)
    person = get_user_model().objects.filter(pk=user_pk).first()
    if person is None:
        raise Http404
    with transaction.atomic():
        if not stop_sharing_family(student, person):
            raise Http404
        access.record_access(
            request,
            student,
            how="family-unshared",
            reason=f"Family section no longer shared with {person} ({person.username})",
        )
    messages.success(request, f"{person} can no longer read the family section.")
    return back_to_student(student, "support")


# --- a pupil's request to talk (P7) --------------------------------------------------------------


@access.requires(is_school_staff)
def record_talk_request(request, pk):
    """Staff who teach or support the child record that the child asked to talk."""
    student = access.open_object(request, Student.objects.all(), RECORD_TALK_REQUEST, pk=pk)
    form = TalkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            talk_request = TalkRequest.record(
                student=student,
                by=request.user,
                wants_to_talk_to=form.cleaned_data["wants_to_talk_to"],
                about=form.cleaned_data["about"],
            )
            transaction.on_commit(lambda: notifications.tell_staff_of_talk_request(talk_request))
        person = talk_request.wants_to_talk_to
        messages.success(
            request,
            f"Recorded. {person} has been told that a pupil would like to talk to them."
            if person and person != request.user
            else "Recorded. It stays open until it is marked as done.",
        )
        return back_to_student(student, "talk-requests")
    return render(
        request,
        "records/talk_request_form.html",
        {"student": student, "form": form},
        status=400 if form.errors else 200,
    )


@access.requires(is_school_staff)
def talk_request_list(request):
    """The requests to talk this person may read: those they recorded, those in which a child
    asked for them, and — for the safeguarding team — every one."""
    visible = access.visible(
        request,
        TalkRequest.objects.select_related("student", "wants_to_talk_to", "recorded_by"),
        VIEW_TALK_REQUEST,
    )
    return render(
        request,
        "records/talk_request_list.html",
        {"open": visible.open(), "done": visible.exclude(status=TalkRequest.Status.OPEN)[:50]},
    )


@access.requires(is_school_staff)
def talk_request_detail(request, pk):
    talk_request = access.open_object(
        request,
        TalkRequest.objects.select_related("student", "wants_to_talk_to", "recorded_by"),
        VIEW_TALK_REQUEST,
        pk=pk,
    )
    may_close = talk_request.is_open and access.has_permission(
        request.user, CLOSE_TALK_REQUEST, talk_request
    )
    form = TalkRequestCloseForm(request.POST or None) if may_close else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                talk_request.close(by=request.user, outcome=form.cleaned_data["outcome"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Marked as done.")
                return redirect("records:talk_request_list")
    return render(
        request,
        "records/talk_request_detail.html",
        {
            "talk_request": talk_request,
            "form": form,
            "may_open_student": access.has_permission(
                request.user, ANY_STUDENT_VIEW, talk_request.student
            ),
        },
        status=400 if form is not None and form.errors else 200,
    )
