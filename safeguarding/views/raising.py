"""Logging a concern: any member of staff, volunteer or health professional, in two minutes.

Only sign-in is needed: never a second factor or anything else that could delay a report (P3).
What is typed is kept as a draft as it is typed, and on any error (nothing is lost). Neither a
draft this server cannot open (it is set aside, and the form starts empty) nor a server that
cannot save during a key rotation (the form comes back with everything typed) blocks a report.
"""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.crypto import KeyUnavailable

from .. import body_map, raising
from ..forms.raising import ConcernForm, initial_from_draft, mark_formset, subject_formset
from ..policy import may_log_concern


@access.requires(may_log_concern, second_factor=False)
def log_concern(request):
    restored = had_files = False
    set_aside_at = not_saved = None
    if request.method == "POST":
        form = ConcernForm(request.POST, request.FILES, user=request.user)
        subjects = subject_formset(request.POST, user=request.user)
        marks = mark_formset(request.POST)
        if form.is_valid() and subjects.is_valid() and marks.is_valid() and form.fits(subjects):
            try:
                concern, created = raising.raise_concern(
                    request.user,
                    form.cleaned_data,
                    subjects.entries(),
                    marks.marks(),
                    form.cleaned_data["attachments"],
                )
            except PermissionError as refusal:
                messages.error(request, str(refusal))
                return redirect("safeguarding:log_concern")
            except KeyUnavailable as refusal:
                # Nothing was saved; give the form back with everything typed and say why.
                return _form_page(request, form, subjects, marks, not_saved=str(refusal))
            if created:
                messages.success(
                    request,
                    f"Thank you. Concern {concern.reference} has gone to the DSL and deputies.",
                )
            else:
                messages.info(request, f"Concern {concern.reference} was already sent.")
            return redirect("safeguarding:my_concern", pk=concern.pk)
        # Keep everything typed, whatever happens next (P3: nothing is lost).
        try:
            raising.save_draft(request.user, request.POST)
        except KeyUnavailable as refusal:
            not_saved = str(refusal)  # the page still holds everything typed
        had_files = bool(request.FILES)
    else:
        # A draft this server cannot open is kept aside, never in the way of a new report.
        set_aside_at = raising.set_aside_unreadable_draft(request.user)
        draft = raising.current_draft(request.user)
        initial, students, mark_rows = initial_from_draft(draft) if draft else ({}, [], [])
        restored = bool(draft)
        form = ConcernForm(initial=initial, user=request.user)
        subjects = subject_formset(initial=students, user=request.user)
        marks = mark_formset(initial=mark_rows)
    return _form_page(
        request,
        form,
        subjects,
        marks,
        restored=restored,
        had_files=had_files,
        set_aside_at=set_aside_at,
        not_saved=not_saved,
    )


def _form_page(request, form, subjects, marks, **notices):
    context = {"restored": False, "had_files": False, "set_aside_at": None, "not_saved": None}
    context.update(notices)
    context.update(form=form, subjects=subjects, marks=marks, regions=body_map.REGIONS)
    return render(request, "safeguarding/concern_form.html", context)


@access.requires(may_log_concern, second_factor=False)
@require_POST
def autosave(request):
    """Called by concern-form.js every few seconds while someone types."""
    try:
        draft = raising.save_draft(request.user, request.POST)
    except KeyUnavailable as refusal:
        return JsonResponse({"saved": False, "reason": str(refusal)}, status=refusal.status)
    return JsonResponse(
        {"saved": draft is not None, "at": timezone.localtime().strftime("%H:%M:%S")}
    )


@access.requires(may_log_concern, second_factor=False)
@require_POST
def discard_draft(request):
    raising.discard_draft(request.user)
    messages.info(request, "The draft was discarded. You have a blank form.")
    return redirect("safeguarding:log_concern")
