"""Staff pages for a child's learning: grades, progress notes and work ("books") (P12, P13).

The student is opened through the door for adding, the work item for downloading (its
permissions are its student's). The file is only ever served here and in the portal, both
audited as a download (P6, P13).
"""

from django.contrib import messages
from django.shortcuts import redirect, render

from confidentiality import access
from confidentiality.uploads import download

from ..forms.learning import GradeForm, ProgressNoteForm, WorkUploadForm
from ..models import Student, WorkItem
from ..policy import LEARNING_RECORD, SEE_WORK, is_school_staff
from .lessons import guidance_on_form, work_uploaded_url
from .students import back_to_student


def _add(request, pk, form_class, anchor, save):
    """One shape for the three "add to this child's learning" pages."""
    student = access.open_object(request, Student.objects.all(), LEARNING_RECORD, pk=pk)
    form = form_class(request.POST or None, request.FILES or None)
    if isinstance(form, WorkUploadForm):
        form.student, form.by = student, request.user
    if request.method == "POST" and form.is_valid():
        message = save(form, student, request.user)
        messages.success(request, message)
        topic = form.cleaned_data.get("topic")  # P19: work on a sensitive topic
        if topic is not None:
            return redirect(work_uploaded_url(student, topic))
        return back_to_student(student, anchor)
    context = {"student": student, "form": form}
    if "topic" in form.fields:
        context["guidance"] = guidance_on_form(form, request.user)
    return render(
        request, "records/learning_form.html", context, status=400 if form.errors else 200
    )


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


@access.requires(is_school_staff)
def add_grade(request, pk):
    return _add(request, pk, GradeForm, "grades", _save_grade)


@access.requires(is_school_staff)
def add_progress_note(request, pk):
    return _add(request, pk, ProgressNoteForm, "progress", _save_note)


@access.requires(is_school_staff)
def upload_work(request, pk):
    return _add(request, pk, WorkUploadForm, "work", _save_work)


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
    return download(item.content, content_type=item.content_type, filename=item.download_name)


@access.requires(is_school_staff)
def download_work(request, pk):
    return serve_work(request, SEE_WORK)
