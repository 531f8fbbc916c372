"""Small pieces the records views share."""

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse


def back_to_student(student, anchor: str):
    """Back to the student's page, at the part just changed."""
    return redirect(reverse("records:student_detail", args=[student.pk]) + f"#{anchor}")


def staff_only(request) -> None:
    """Pages for school staff only: anyone else (parents, governors, volunteers) gets 404."""
    if not request.user.is_school_staff:
        raise Http404
