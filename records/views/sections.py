"""Editing a section of a student's record, and the section's change history (P6).

Both pages fetch the student through the access policy's door: the edit page with the section's
edit permission, the history with its read permission (``policy.EDIT_PERMISSION``,
``policy.SECTION_PERMISSION``). Outsiders get 404; every opening is audited once.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from confidentiality import access

from ..forms.sections import SectionForm
from ..models import RecordSection, Student
from ..policy import EDIT_PERMISSION, SECTION_PERMISSION, may_list_students
from ..section_editing import save_section, section_history


def _kind(value: str) -> RecordSection.Kind:
    try:
        return RecordSection.Kind(value)
    except ValueError:
        raise Http404 from None


@access.requires(may_list_students)
def edit_section(request, pk, kind):
    kind = _kind(kind)
    student = access.open_object(
        request, Student.objects.all(), EDIT_PERMISSION[kind], how="edit", pk=pk
    )
    section = RecordSection.objects.filter(student=student, kind=kind).first()
    form = SectionForm(request.POST or None, kind=kind, section=section)
    if request.method == "POST" and form.is_valid():
        changed = save_section(
            student, kind, form.entries(), form.cleaned_data["notes"], by=request.user
        )
        if changed:
            messages.success(request, f"{kind.label} saved. Changed: {', '.join(changed)}.")
        else:
            messages.info(request, f"Nothing was changed in {kind.label}.")
        return redirect(f"{reverse('records:student_detail', args=[student.pk])}#section-{kind}")
    return render(
        request,
        "records/sections/edit.html",
        {"student": student, "kind": kind, "form": form, "section": section},
        status=400 if form.errors else 200,
    )


@access.requires(may_list_students)
def history(request, pk, kind):
    """Who changed this section and when, and which entries; for those who may read it."""
    kind = _kind(kind)
    student = access.open_object(
        request, Student.objects.all(), SECTION_PERMISSION[kind], how="history", pk=pk
    )
    return render(
        request,
        "records/sections/history.html",
        {
            "student": student,
            "kind": kind,
            "rows": section_history(student, kind),
            "may_edit": access.has_permission(request.user, EDIT_PERMISSION[kind], student),
        },
    )
