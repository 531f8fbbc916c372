"""The parent portal, mounted at /portal/ (P12, P13, P15, P24, P7): a parent or carer sees their
own children and nothing else.

Every page is for parents and carers only (``policy.is_parent``, at the door) and opens the
child (or the child's object) through ``confidentiality.access`` with the parent's permission,
which only the family link grants (records.grants). Any other id — another child, another
child's work, a made-up one — is a 404, and every opening is audited once.

A contact without parental responsibility (an emergency contact, a childminder) sees the child's
name, how to reach the school and their own requests to meet; every other page is a 404 for them
(``policy.with_parental_responsibility``). Each adult sees only the meeting requests they made.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse

from confidentiality import access
from confidentiality.page_lists import read_together

from .. import notices, notifications
from ..forms.portal import DiscussionAnswerForm, MeetingRequestForm, PhotoDecisionForm
from ..models import (
    DiscussionPermission,
    ParentLink,
    PhotoConsent,
    PhotoPurpose,
    Student,
    WorkItem,
)
from ..policy import AS_PARENT, is_parent, with_parental_responsibility
from ..waiting_for_parents import waiting_for_parent
from .learning import serve_work
from .student_page import consent_rows


def _open_child(request, pk, responsibility: bool = False) -> Student:
    """The child, for a parent or carer linked to them; with ``responsibility``, only for one who
    holds parental responsibility (P15, P24)."""
    children = Student.objects.all()
    if responsibility:
        children = with_parental_responsibility(children, request.user)
    return access.open_object(request, children, AS_PARENT, pk=pk)


def _child_page(student, anchor: str = ""):
    url = reverse("portal:child", args=[student.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


@access.requires(is_parent)
def home(request):
    """What waits for the parent's answer first, then their children, each a link to their
    page."""
    children = access.visible(request, Student.objects.all(), AS_PARENT).order_by(
        "last_name", "first_name", "pk"
    )
    return render(
        request,
        "portal/home.html",
        {"children": children, "waiting": waiting_for_parent(request)},
    )


@access.requires(is_parent)
def child(request, pk):
    """Everything the school shares with the family about one child: for those with parental
    responsibility. Any other contact sees the child's name and their own requests to meet."""
    student = _open_child(request, pk)
    # Read once: whether they hold responsibility, and which notices are theirs, follow from it.
    link = ParentLink.objects.filter(parent=request.user, student=student).first()
    has_responsibility = link is not None and link.parental_responsibility
    wanted = {
        # Each adult reads only their own requests and the replies to them: what a parent
        # writes is for the child's teachers and the safeguarding team (P7).
        "meetings": student.meeting_requests.filter(requested_by=request.user).select_related(
            "answered_by"
        ),
    }
    if has_responsibility:
        wanted |= {
            "grades": student.grades.all(),
            "progress_notes": student.progress_notes.all(),
            "work_items": WorkItem.objects.without_content().filter(student=student),
            "consents": student.photo_consents.select_related("decided_by").order_by("purpose"),
            "discussions": student.discussion_permissions.select_related("teaching_group"),
            "notices": student.notices.for_parent(request.user, student, link).select_related(
                "sent_by"
            ),
            **notices.parent_lists(student, request.user, link),
        }
    # Every list in one query, whatever their lengths (``page_lists``).
    lists = read_together(**wanted)
    context = {
        "student": student,
        "meetings": lists["meetings"],
        "has_responsibility": has_responsibility,
    }
    if has_responsibility:
        context |= {
            "grades": lists["grades"],
            "progress_notes": lists["progress_notes"],
            "work_items": lists["work_items"],
            "consents": consent_rows(lists["consents"]),
            "discussions": lists["discussions"],
            "notices": notices.for_parent(student, request.user, lists["notices"], link, lists),
        }
    return render(request, "portal/child.html", context)


@access.requires(is_parent)
def photo_consent(request, pk):
    """Give or withdraw consent for photographs, purpose by purpose (P15): for those with
    parental responsibility only."""
    student = _open_child(request, pk, responsibility=True)
    form = PhotoDecisionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                consent = PhotoConsent.decide(student=student, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                verb = "given" if consent.given else "withdrawn"
                messages.success(
                    request, f"Consent {verb} for {consent.get_purpose_display().lower()}."
                )
                return redirect("portal:photo_consent", pk=student.pk)
        else:
            messages.error(request, "Choose a purpose and whether you give or withdraw consent.")
    return render(
        request,
        "portal/photo_consent.html",
        {
            "student": student,
            "consents": PhotoConsent.for_student(student),
            "purposes": PhotoPurpose,
            "has_responsibility": ParentLink.has_responsibility(request.user, student),
        },
    )


@access.requires(is_parent)
def ask_meeting(request, pk):
    """P7: parents are welcome to discuss concerns — ask to meet the child's teachers."""
    student = _open_child(request, pk)
    form = MeetingRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            meeting = form.save(commit=False)
            meeting.student, meeting.requested_by = student, request.user
            meeting.save()
            transaction.on_commit(lambda: notifications.tell_staff_of_meeting_request(meeting))
        messages.success(request, "Your request has been sent. You will see the reply here.")
        return _child_page(student, "meetings")
    return render(
        request,
        "portal/ask_meeting.html",
        {"student": student, "form": form},
        status=400 if form.errors else 200,
    )


@access.requires(is_parent)
def discussion(request, pk):
    """P24: the school asks whether it may discuss the child's case with a class."""
    permission = access.open_object(
        request,
        with_parental_responsibility(
            DiscussionPermission.objects.select_related("student", "teaching_group"),
            request.user,
            path="student",
        ),
        AS_PARENT,
        pk=pk,
    )
    form = DiscussionAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            permission.respond(by=request.user, granted=form.cleaned_data["granted"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Thank you: your answer has been recorded.")
            return _child_page(permission.student, "discussions")
    return render(
        request,
        "portal/discussion.html",
        {
            "permission": permission,
            "form": form,
            "has_responsibility": ParentLink.has_responsibility(request.user, permission.student),
        },
        status=400 if form.errors else 200,
    )


@access.requires(is_parent)
def work_download(request, pk):
    """The file of a piece of the child's work, audited as a download (P13); for those with
    parental responsibility."""
    items = with_parental_responsibility(WorkItem.objects.all(), request.user, path="student")
    return serve_work(request, AS_PARENT, items)
