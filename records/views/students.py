"""The student list, the NHS-number look-up, and a student's page (P5, P6)."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.audit import record_list_look

from ..forms.students import NHSNumberForm
from ..models import Student
from ..policy import ANY_STUDENT_VIEW, may_list_students
from .student_page import page_parts


def search_words(request) -> str:
    """The search words typed: at most 100 characters, without the control characters (a NUL
    is refused by PostgreSQL) that no name or UPN contains."""
    text = request.GET.get("q", "")[:100]
    return "".join(c for c in text if c.isprintable() or c == " ").strip()


def search(queryset, text: str):
    """The students of ``queryset`` whose name or UPN matches every word (at most four)."""
    for word in text.split()[:4]:
        queryset = queryset.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | Q(upn__iexact=word)
        )
    return queryset


def back_to_student(student, anchor: str):
    """Back to the student's page, at the part just changed."""
    return redirect(reverse("records:student_detail", args=[student.pk]) + f"#{anchor}")


def _list_page(request, page, query, nhs_form):
    return render(
        request,
        "records/student_list.html",
        {
            "page": page,
            "query": query,
            "nhs_form": nhs_form,
            "may_break_glass": access.may_break_glass(request.user),
        },
        status=400 if nhs_form.errors else 200,
    )


@access.requires(may_list_students)
def student_list(request):
    """P5: the list shows only the students this person may open, in a fixed number of queries."""
    students = access.visible(request, Student.objects.all(), ANY_STUDENT_VIEW)
    query = search_words(request)
    if query:
        students = search(students, query)
    record_list_look(request, "student list", query)
    page = Paginator(
        students.prefetch_related("teaching_groups").order_by("last_name", "first_name", "id"), 50
    ).get_page(request.GET.get("page"))
    return _list_page(request, page, query, NHSNumberForm())


@access.requires(may_list_students)
@require_POST
def nhs_lookup(request):
    """Find a pupil by NHS number (P6): sent by POST so the number never lands in a URL, a log
    or the browser's history; matched through its blind index, among the pupils this person may
    open; every match is an audited look."""
    form = NHSNumberForm(request.POST)
    students = Student.objects.none()
    if form.is_valid():
        field = Student._meta.get_field("nhs_number_index")
        digest = field.digest_for("".join(form.cleaned_data["nhs_number"].split()))
        students = access.visible(request, Student.objects.all(), ANY_STUDENT_VIEW).filter(
            nhs_number_index=digest
        )
        for student in students:
            access.record_access(request, student, how="nhs-lookup")
    page = Paginator(students.prefetch_related("teaching_groups"), 50).get_page(1)
    return _list_page(request, page, "", form)


@access.requires(may_list_students)
def student_detail(request, pk):
    """A student's page: each part shown follows from what this person may see of the child."""
    student = access.open_object(
        request, Student.objects.prefetch_related("teaching_groups"), ANY_STUDENT_VIEW, pk=pk
    )
    perms = access.object_permissions(request.user, student)
    # First: it reads the record's sections with the page's other lists, in one query.
    parts = page_parts(student, request.user)
    return render(
        request,
        "records/student_detail.html",
        {
            "student": student,
            "sections": student.record_sections_visible_to(request.user),
            "sees_everyday_record": "records.view_student" in perms,
            "may_read_audit_trail": access.may_read_audit_trail(request.user),
            **parts,
        },
    )
