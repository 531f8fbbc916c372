"""Student pages. Every object comes through the access policy's door
(``confidentiality.access``)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.audit import record_list_look
from confidentiality.models import BreakGlassAccess
from confidentiality.models.break_glass import REASON_MAX_CHARS, clean_reason

from .learning_views import student_page_extras
from .models import Student, TeachingGroup
from .policy import ANY_STUDENT_VIEW, may_list_students, may_open_class, may_see_class_consents
from .support_views import support_page_extras


def _query(request) -> str:
    """The search words typed: at most 100 characters, without the control characters (a NUL
    is refused by PostgreSQL) that no name or UPN contains."""
    text = request.GET.get("q", "")[:100]
    return "".join(c for c in text if c.isprintable() or c == " ").strip()


def _search(queryset, text: str):
    for word in text.split()[:4]:
        queryset = queryset.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | Q(upn__iexact=word)
        )
    return queryset


@login_required
def student_list(request):
    """P5: the list shows only the students this person may open, in a fixed number of queries."""
    if not may_list_students(request.user):
        raise Http404
    students = access.visible(request, Student.objects.all(), ANY_STUDENT_VIEW)
    query = _query(request)
    if query:
        students = _search(students, query)
    record_list_look(request, "student list", query)
    page = Paginator(
        students.prefetch_related("teaching_groups").order_by("last_name", "first_name", "id"), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "records/student_list.html",
        {
            "page": page,
            "query": query,
            "nhs_form": NHSNumberForm(),
            "may_break_glass": access.may_break_glass(request.user),
        },
    )


class NHSNumberForm(forms.Form):
    nhs_number = forms.RegexField(
        label="NHS number",
        regex=r"^\s*\d{3}\s*\d{3}\s*\d{4}\s*$",
        error_messages={"invalid": "An NHS number is ten digits, e.g. 943 476 5919."},
    )


@login_required
@require_POST
def nhs_lookup(request):
    """Find a pupil by NHS number (P6): sent by POST so the number never lands in a URL, a log
    or the browser's history; matched through its blind index, among the pupils this person may
    open; every match is an audited look."""
    if not may_list_students(request.user):
        raise Http404
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
    return render(
        request,
        "records/student_list.html",
        {
            "page": page,
            "query": "",
            "nhs_form": form,
            "may_break_glass": access.may_break_glass(request.user),
        },
    )


@login_required
def student_detail(request, pk):
    # Only staff and health professionals have a staff record page at all: a grant left behind
    # on someone who became a parent or a governor opens nothing (P13, P16).
    if not may_list_students(request.user):
        raise Http404
    student = access.open_object(
        request, Student.objects.prefetch_related("teaching_groups"), ANY_STUDENT_VIEW, pk=pk
    )
    perms = access.object_permissions(request.user, student)
    return render(
        request,
        "records/student_detail.html",
        {
            "student": student,
            "sections": student.record_sections_visible_to(request.user),
            "sees_everyday_record": "records.view_student" in perms,
            "may_read_audit_trail": access.may_read_audit_trail(request.user),
            **student_page_extras(student, request.user),
            **support_page_extras(student, request.user),
        },
    )


@login_required
def class_detail(request, pk):
    """A class and its pupils, each a link to their record (P5): for the staff who teach the
    class and those who hold every child's everyday record; the list shows only the pupils this
    person may open, in a fixed number of queries."""
    access.require_second_factor(request.user)  # first: answers alike for real and unknown ids
    group = get_object_or_404(TeachingGroup, pk=pk)
    if not may_open_class(request.user, group):
        raise Http404
    students = access.visible(request, group.students.all(), ANY_STUDENT_VIEW).order_by(
        "last_name", "first_name", "id"
    )
    access.record_access(request, group, how="view")
    return render(
        request,
        "records/class_detail.html",
        {
            "group": group,
            "students": students,
            "staff": group.staff.order_by("last_name", "first_name"),
            "may_see_consents": may_see_class_consents(request.user, group),
        },
    )


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why do you need this record now?",
        help_text="A sentence or two, for example: “Child collapsed in PE; I need their "
        "allergies and emergency steps.” The DSL is told at once and your reason is kept in the "
        f"audit trail. At most {REASON_MAX_CHARS:,} characters.",
    )

    def clean_reason(self):
        return clean_reason(self.cleaned_data["reason"])


@login_required
def find_student(request):
    """Emergency search (P10): any member of staff may find a child on roll by name or UPN,
    seeing only name and year, and then open the record by breaking the glass."""
    if not access.may_break_glass(request.user):
        raise Http404
    access.require_second_factor(request.user)
    query = _query(request)
    results = _search(Student.objects.all(), query)[:20] if len(query) >= 2 else []
    if len(query) >= 2:
        record_list_look(request, "emergency search", query)
    return render(request, "records/find_student.html", {"query": query, "results": results})


@login_required
def break_glass(request, pk):
    if not access.may_break_glass(request.user):
        raise Http404
    access.require_second_factor(request.user)
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
    return render(request, "records/break_glass.html", {"student": student, "form": form})


@login_required
def emergency_access_list(request):
    """P10: every running emergency access, for the DSL and deputies, each with an End button."""
    if not access.may_end_break_glass(request.user):
        raise Http404
    access.require_second_factor(request.user)
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


@login_required
@require_POST
def end_emergency_access(request, pk):
    """The DSL or a deputy ends a running emergency access: its holder loses it at once."""
    if not access.may_end_break_glass(request.user):
        raise Http404
    access.require_second_factor(request.user)
    grant = BreakGlassAccess.objects.active().filter(pk=pk).select_related("user").first()
    if grant is None:
        messages.info(request, "That emergency access had already ended.")
    else:
        access.end_break_glass(request, grant)
        messages.success(request, f"{grant.user}'s emergency access has ended.")
    return redirect("records:emergency_access_list")
