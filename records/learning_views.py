"""Staff pages for a child's learning: grades, progress notes and work ("books").

Every object comes through ``confidentiality.access``: the student for adding, the work item for
downloading (its permissions are its student's). The file is only ever served here and in the
portal, both audited as a download (P6, P13).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from confidentiality import access

from . import notices
from .family_forms import GradeForm, ProgressNoteForm, WorkUploadForm
from .models import PhotoConsent, Student, WorkItem
from .policy import LEARNING_RECORD, SEE_WORK, learning_visible_to
from .view_helpers import back_to_student


def student_page_extras(student, user) -> dict:
    """What the student page shows of the child's learning and family, for the person looking.

    The student has already been opened through the door (and audited); each part shown here
    follows from the viewer's need to know (``policy.LEARNING``, M4): nothing is fetched for a
    part the viewer may not see.
    """
    shows = learning_visible_to(user, student)
    if not shows:
        return {"learning": None}
    perms = access.object_permissions(user, student)
    with_family = "family" in shows
    return {
        "learning": {
            "shows": {part: True for part in shows},
            "grades": student.grades.all() if "grades" in shows else (),
            "progress_notes": student.progress_notes.all() if "progress_notes" in shows else (),
            "work_items": (
                WorkItem.objects.without_content().filter(student=student)
                if "work" in shows
                else ()
            ),
            "consents": PhotoConsent.for_student(student) if "consents" in shows else (),
            "parent_links": (
                student.parent_links.select_related("parent") if "contacts" in shows else ()
            ),
            "may_record": LEARNING_RECORD in perms,
            "with_family": with_family,
            "meetings": student.meeting_requests.all() if with_family else (),
            "discussions": (
                student.discussion_permissions.select_related("teaching_group")
                if with_family
                else ()
            ),
            # P2: a notice that information was shared shows only to the safeguarding team.
            "notices": (
                notices.for_staff(
                    student, perms, student.notices.for_staff(perms).select_related("sent_by")
                )
                if with_family
                else ()
            ),
        }
    }


def _add(request, pk, form_class, template, anchor, save):
    """One shape for the three "add to this child's learning" pages."""
    student = access.open_object(request, Student.objects.all(), LEARNING_RECORD, pk=pk)
    form = form_class(request.POST or None, request.FILES or None)
    if isinstance(form, WorkUploadForm):
        form.student, form.by = student, request.user
    if request.method == "POST" and form.is_valid():
        message = save(form, student, request.user)
        messages.success(request, message)
        return back_to_student(student, anchor)
    return render(request, template, {"student": student, "form": form})


def _save_grade(form, student, user) -> str:
    grade = form.save(commit=False)
    grade.student, grade.recorded_by = student, user
    grade.save()
    return f"Grade saved: {grade}."


def _save_note(form, student, user) -> str:
    note = form.save(commit=False)
    note.student, note.author = student, user
    note.save()
    return "Progress note saved. The child's parents can read it in the portal."


def _save_work(form, student, user) -> str:
    form.work_item.save()
    return f"“{form.work_item.title}” uploaded and stored encrypted."


@login_required
def add_grade(request, pk):
    return _add(request, pk, GradeForm, "records/learning_form.html", "grades", _save_grade)


@login_required
def add_progress_note(request, pk):
    return _add(request, pk, ProgressNoteForm, "records/learning_form.html", "progress", _save_note)


@login_required
def upload_work(request, pk):
    return _add(request, pk, WorkUploadForm, "records/learning_form.html", "work", _save_work)


def serve_work(request, perms, items=None):
    """The file of one piece of work (of ``items``, if given), opened through the door and
    audited as a download."""
    item = access.open_object(
        request,
        (WorkItem.objects.all() if items is None else items).select_related("student"),
        perms,
        how="download",
        pk=request.resolver_match.kwargs["pk"],
    )
    response = HttpResponse(bytes(item.content), content_type=item.content_type)
    response["Content-Disposition"] = f'attachment; filename="{item.download_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Length"] = str(item.size)
    return response


@login_required
def download_work(request, pk):
    return serve_work(request, SEE_WORK)
