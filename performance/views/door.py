"""How every performance page opens what it shows (P18): one rule for the pages, and one
helper per kind of object that goes through the door (404 for anyone without the relation,
one audit entry marked as performance work)."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.shortcuts import render

from confidentiality import access
from confidentiality.audit import mark_area
from confidentiality.roles import Role

from ..models import Observation, PerformanceFile
from ..policy import may_use_performance
from ..trail import AREA

# Every performance page: school staff (their own file, files they review, observations they
# were asked to make) and the chair of governors (the head's file). The head teacher, and the
# DSL or a deputy when reviewing or observing, always confirm a second factor (by role). Anyone
# else who has set one up must use it here too (IF_SET_UP): a file holds judgements of a
# person's work and their pay recommendation, so a stolen password alone must not open it. It
# is not demanded of everyone (True), so a teaching assistant without a phone can still read
# their own file and sign off their review.
performance_page = access.requires(may_use_performance, second_factor=access.IF_SET_UP)


def open_file(request, pk, perm, how="view") -> PerformanceFile:
    """A file through the door. Someone else's file (held, or reviewed under a delegation)
    also needs a confirmed second factor, whoever reads it: the chair of governors holding the
    head's file, a line manager reviewing a colleague's. Only one's own file is opened on
    ``IF_SET_UP`` alone. Whether the file is the reader's own is asked first; the answer changes
    nothing for anyone without a right to it (the door still answers 404)."""
    mark_area(request, AREA)
    files = PerformanceFile.objects.select_related("subject", "cycle").annotate(
        # Whether the chair of governors holds it (``PerformanceFile.holder_is_chair``), in the
        # same query as the file.
        subject_is_head=Exists(
            get_user_model().groups.through.objects.filter(
                user_id=OuterRef("subject_id"), group__name=Role.HEAD_TEACHER.group_name
            )
        )
    )
    own = PerformanceFile.objects.filter(pk=pk, subject=request.user).exists()
    return access.open_object(request, files, perm, how=how, second_factor=not own, pk=pk)


def open_observation(request, pk, perm, how="view") -> Observation:
    mark_area(request, AREA)
    observations = Observation.objects.select_related("file__subject", "file__cycle", "observer")
    return access.open_object(request, observations, perm, how=how, pk=pk)


def form_page(
    request,
    form,
    *,
    title,
    submit,
    back,
    file=None,
    intro="",
    enctype=False,
    back_label="Back to the file",
):
    """A page with one form about a file: the error summary, the fields, what the button does;
    400 with everything typed kept when the form has errors."""
    return render(
        request,
        "performance/form_page.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "back": back,
            "file": file,
            "intro": intro,
            "enctype": enctype,
            "back_label": back_label,
        },
        status=400 if form.is_bound and form.errors else 200,
    )
