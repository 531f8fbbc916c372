"""A class's pages: its pupils (P5) and their photograph consent (P15).

Both come through one door for classes: the page rule (school staff) and the second factor are
checked before the class is looked up, so a real and an unknown id get the same answer; then
``policy.may_open_class`` decides for this class, with what the page shows of its pupils; the
opening is audited once.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from confidentiality import access
from confidentiality.page_lists import read_together

from ..forms.classes import PhotoUseForm
from ..models import PhotoConsent, PhotoPurpose, PhotoUse, TeachingGroup
from ..policy import (
    ANY_STUDENT_VIEW,
    CLASS_CONSENTS,
    CLASS_PUPILS,
    LESSONS,
    is_school_staff,
    may_open_class,
    may_record_lesson,
)


def open_class(request, pk, shows: str) -> TeachingGroup:
    """The class ``pk`` for a page showing ``shows`` of each pupil, audited once; 404 alike for an
    unknown class and one this person may not open. As ``access.open_object`` does, it asks for
    the second factor before looking anything up (the views' door has asked already)."""
    access.require_second_factor(request.user)
    group = TeachingGroup.objects.filter(pk=pk).first()
    if group is None or not may_open_class(request.user, group, shows):
        raise Http404
    access.record_access(request, group, how="view")
    return group


@access.requires(is_school_staff)
def class_detail(request, pk):
    """A class and its pupils, each a link to their record: for the staff who teach the class
    and those who hold every child's everyday record; the list shows only the pupils this
    person may open, in a fixed number of queries."""
    group = open_class(request, pk, CLASS_PUPILS)
    # The pupils, the staff and the lessons in one query, however big the class.
    lists = read_together(
        students=access.visible(request, group.students.all(), ANY_STUDENT_VIEW).order_by(
            "last_name", "first_name", "id"
        ),
        staff=group.staff.order_by("last_name", "first_name"),
        # P19: the class's lessons, for those who may see them (not the office).
        lessons=access.visible(request, group.lessons.select_related("topic"), LESSONS),
    )
    return render(
        request,
        "records/class_detail.html",
        {
            "group": group,
            "students": lists["students"],
            "staff": lists["staff"],
            "may_see_consents": may_open_class(request.user, group, CLASS_CONSENTS),
            "lessons": lists["lessons"],
            "may_record_lesson": may_record_lesson(request.user, group),
        },
    )


@access.requires(is_school_staff)
def class_photo_consent(request, pk):
    """Who in this class must NOT be photographed for a purpose, and recording a photo's use.
    The whole class or nothing: never opened by break-glass on one child, never a part of the
    class presented as if it were all of it (P15)."""
    group = open_class(request, pk, CLASS_CONSENTS)
    students = group.students.all()
    purpose = request.GET.get("purpose") or PhotoPurpose.WEBSITE
    if purpose not in PhotoPurpose.values:
        purpose = PhotoPurpose.WEBSITE
    form = PhotoUseForm(request.POST or None, students=students, initial={"purpose": purpose})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            PhotoUse.record(
                purpose=data["purpose"],
                students=data["students"],
                description=data["description"],
                used_on=data["used_on"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The photograph's use has been recorded.")
            return redirect(f"{request.path}?purpose={data['purpose']}")
    return render(
        request,
        "records/class_photo_consent.html",
        {
            "group": group,
            "purpose": PhotoPurpose(purpose),
            "purposes": PhotoPurpose.choices,
            "lacking": PhotoConsent.lacking(students, purpose),
            "class_size": students.count(),
            "form": form,
        },
        status=400 if form.errors else 200,
    )
