"""Emergency access (break-glass, P10): any member of staff finds a child on roll and opens the
record with a written reason, which the DSL is told of; the DSL and deputies see every running
emergency access and may end it. The grant, its limits and the alert are the core's
(``access.break_glass``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.audit import record_list_look
from confidentiality.models import BreakGlassAccess

from ..forms.emergency_access import BreakGlassForm
from ..models import Student
from .students import search, search_words


@access.requires(access.may_break_glass)
def find_student(request):
    """Emergency search: any member of staff may find a child on roll by name or UPN, seeing
    only name and year, and then open the record by breaking the glass."""
    query = search_words(request)
    results = search(Student.objects.all(), query)[:20] if len(query) >= 2 else []
    if len(query) >= 2:
        record_list_look(request, "emergency search", query)
    return render(request, "records/find_student.html", {"query": query, "results": results})


@access.requires(access.may_break_glass)
def break_glass(request, pk):
    student = Student.objects.filter(pk=pk).first()
    if student is None:
        raise Http404
    existing = access.active_break_glass(request.user, student)
    if existing is not None:  # shown as it is: asking again never extends it
        return render(request, "records/break_glass.html", {"student": student, "grant": existing})
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = access.break_glass(request, student, form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            until = timezone.localtime(grant.expires_at)
            messages.warning(
                request, f"Emergency access granted until {until:%H:%M}. The DSL has been told."
            )
            return redirect("records:student_detail", pk=student.pk)
    return render(
        request,
        "records/break_glass.html",
        {"student": student, "form": form},
        status=400 if form.errors else 200,
    )


@access.requires(access.may_end_break_glass)
def emergency_access_list(request):
    """Every running emergency access, for the DSL and deputies, each with an End button."""
    grants = list(
        BreakGlassAccess.objects.active().select_related("user", "content_type", "sealed_reason")
    )
    students = Student.objects.in_bulk(
        [g.object_pk for g in grants if g.content_type.model_class() is Student]
    )
    rows = [{"grant": g, "student": students.get(_uuid(g.object_pk))} for g in grants]
    record_list_look(request, "emergency access list")
    return render(request, "records/emergency_access_list.html", {"rows": rows})


def _uuid(value: str):
    try:
        return Student._meta.pk.to_python(value)
    except ValidationError:
        return None


@access.requires(access.may_end_break_glass)
@require_POST
def end_emergency_access(request, pk):
    """The DSL or a deputy ends a running emergency access: its holder loses it at once."""
    grant = BreakGlassAccess.objects.active().filter(pk=pk).select_related("user").first()
    if grant is None:
        messages.info(request, "That emergency access had already ended.")
    else:
        access.end_break_glass(request, grant)
        messages.success(request, f"{grant.user}'s emergency access has ended.")
    return redirect("records:emergency_access_list")
