"""What is done to a file: the reviewer's work (objectives, progress, review meetings,
dated performance data, naming an observer), the holder's (the pay recommendation, delegating the
file and ending a delegation), and the member of staff's (comments and sign-off).

Each opens the file through the door with the right it needs (``policy``); anyone without it
gets a 404, as if the file did not exist.
"""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from confidentiality.forms.people import person_label

from .. import policy
from ..forms.files import (
    DelegationForm,
    ObjectiveForm,
    ObserverForm,
    PayRecommendationForm,
    PerformanceDataEntryForm,
    ProgressNoteForm,
    ReviewMeetingForm,
    StaffCommentForm,
)
from ..models import (
    Delegation,
    Objective,
    Observation,
    PerformanceDataEntry,
    ProgressNote,
    ReviewMeeting,
)
from ..notifications import tell
from .door import form_page, open_file, performance_page
from .files import file_url


def _back(file, part: str) -> str:
    return f"{file_url(file)}#{part}"


@performance_page
def add_objective(request, pk):
    file = open_file(request, pk, policy.REVIEW, how="edit")
    form = ObjectiveForm(request.POST or None)
    if form.is_valid():
        Objective(file=file, set_by=request.user, **form.cleaned_data).save()
        messages.success(request, "Objective set.")
        return redirect(_back(file, "objectives"))
    return form_page(
        request,
        form,
        title="Set an objective",
        submit="Set the objective",
        back=_back(file, "objectives"),
        file=file,
    )


@performance_page
def add_progress(request, pk, objective_pk):
    file = open_file(request, pk, policy.REVIEW, how="edit")
    objective = get_object_or_404(file.objectives, pk=objective_pk)
    form = ProgressNoteForm(request.POST or None)
    if form.is_valid():
        ProgressNote(objective=objective, written_by=request.user, **form.cleaned_data).save()
        messages.success(request, "Progress noted.")
        return redirect(_back(file, f"objective-{objective.pk}"))
    return form_page(
        request,
        form,
        title="Note progress towards an objective",
        intro=objective.title,
        submit="Save the note",
        back=_back(file, f"objective-{objective.pk}"),
        file=file,
    )


@performance_page
def add_review(request, pk):
    """The reviewer records a meeting of the cycle; the member of staff then comments on it and
    signs it off."""
    file = open_file(request, pk, policy.REVIEW, how="edit")
    form = ReviewMeetingForm(request.POST or None)
    if form.is_valid():
        review = ReviewMeeting(file=file, recorded_by=request.user, **form.cleaned_data)
        review.save()
        tell("review_recorded", review)
        messages.success(
            request,
            f"{review.get_kind_display()} recorded. {file.subject.get_full_name()} can now add "
            "their comments and sign it off.",
        )
        return redirect(_back(file, f"review-{review.pk}"))
    return form_page(
        request,
        form,
        title="Record a review meeting",
        submit="Record the meeting",
        back=_back(file, "reviews"),
        file=file,
    )


@performance_page
def comment_on_review(request, pk, review_pk):
    """The member of staff's own comments on a review, and their sign-off (P18)."""
    file = open_file(request, pk, policy.COMMENT, how="edit")
    review = get_object_or_404(file.reviews, pk=review_pk)
    if review.is_signed_off:
        messages.info(request, "You have already signed off this review.")
        return redirect(_back(file, f"review-{review.pk}"))
    form = StaffCommentForm(
        request.POST or None, initial={"staff_comments": review.staff_comments or ""}
    )
    if form.is_valid():
        sign_off = form.cleaned_data["sign_off"]
        review.comment(form.cleaned_data["staff_comments"], sign_off=sign_off)
        if sign_off:
            tell("review_signed_off", review)
        messages.success(request, "Review signed off." if sign_off else "Your comments are saved.")
        return redirect(_back(file, f"review-{review.pk}"))
    return form_page(
        request,
        form,
        title=f"Your comments on the {review.get_kind_display().lower()}",
        intro=f"Held on {review.held_on:%-d %B %Y}. Outcome: {review.outcome}",
        submit="Save",
        back=_back(file, f"review-{review.pk}"),
        file=file,
    )


@performance_page
def add_data_entry(request, pk):
    """The holder or the reviewer adds a dated piece of performance data; the member of staff
    reads it in their file."""
    file = open_file(request, pk, policy.REVIEW, how="edit")
    form = PerformanceDataEntryForm(request.POST or None)
    if form.is_valid():
        PerformanceDataEntry(file=file, added_by=request.user, **form.cleaned_data).save()
        messages.success(request, "Performance data added.")
        return redirect(_back(file, "data"))
    return form_page(
        request,
        form,
        title="Add performance data",
        submit="Add the data",
        back=_back(file, "data"),
        file=file,
    )


@performance_page
def pay_recommendation(request, pk):
    """The holder only: never a reviewer the file is delegated to."""
    file = open_file(request, pk, policy.MANAGE, how="edit")
    form = PayRecommendationForm(
        request.POST or None,
        initial={
            "pay_recommendation": file.pay_recommendation or "",
            "pay_reasons": file.pay_reasons or "",
        },
    )
    if form.is_valid():
        file.pay_recommendation = form.cleaned_data["pay_recommendation"]
        file.pay_reasons = form.cleaned_data["pay_reasons"]
        file.save()
        messages.success(request, "Pay recommendation saved.")
        return redirect(_back(file, "pay"))
    return form_page(
        request,
        form,
        title="Pay recommendation",
        intro="Seen by you and the member of staff only.",
        submit="Save the recommendation",
        back=_back(file, "pay"),
        file=file,
    )


def _others(file, user):
    """Who may review or observe a file: school staff, never its subject or its holder."""
    return policy.staff().exclude(Q(pk=file.subject_id) | Q(pk=user.pk))


@performance_page
def delegate(request, pk):
    """The holder hands the file to a reviewer for the cycle or until a date; one at a time."""
    file = open_file(request, pk, policy.MANAGE, how="edit")
    current = file.current_delegation()
    if current is not None:
        messages.info(
            request,
            f"This file is already delegated to {person_label(current.reviewer)}: end that "
            "delegation first.",
        )
        return redirect(_back(file, "delegation"))
    form = DelegationForm(
        request.POST or None, reviewers=_others(file, request.user), cycle=file.cycle
    )
    if form.is_valid():
        delegation = Delegation(
            file=file,
            reviewer=form.cleaned_data["reviewer"],
            ends_on=form.cleaned_data["ends_on"],
            delegated_by=request.user,
        )
        delegation.save()
        tell("file_delegated", delegation)
        messages.success(
            request,
            f"Delegated to {person_label(delegation.reviewer)} until "
            f"{delegation.ends_on:%-d %B %Y}.",
        )
        return redirect(_back(file, "delegation"))
    return form_page(
        request,
        form,
        title="Delegate this file to a reviewer",
        intro="The reviewer can read the file, set objectives, note progress, record review "
        "meetings and arrange observations. They do not see the pay recommendation and cannot "
        "delegate the file further. The member of staff sees who reviews their file.",
        submit="Delegate",
        back=_back(file, "delegation"),
        file=file,
    )


@performance_page
@require_POST
def end_delegation(request, pk):
    file = open_file(request, pk, policy.MANAGE, how="edit")
    current = file.current_delegation()
    if current is not None:
        current.end(by=request.user)
        tell("delegation_ended_early", current)
        messages.success(request, f"{person_label(current.reviewer)} no longer reviews this file.")
    return redirect(_back(file, "delegation"))


@performance_page
def arrange_observation(request, pk):
    """The holder or reviewer names the observer of a lesson; the observer then fills in the
    record, and sees nothing else of the file."""
    file = open_file(request, pk, policy.REVIEW, how="edit")
    form = ObserverForm(request.POST or None, observers=policy.staff().exclude(pk=file.subject_id))
    if form.is_valid():
        observation = Observation(
            file=file,
            named_by=request.user,
            observer=form.cleaned_data["observer"],
            planned_for=form.cleaned_data["planned_for"],
            lesson=form.cleaned_data["lesson"],
        )
        observation.save()
        if observation.observer_id != request.user.pk:
            tell("observer_named", observation)
        messages.success(
            request,
            f"{person_label(observation.observer)} will find the observation record under "
            "Performance.",
        )
        return redirect(_back(file, "observations"))
    return form_page(
        request,
        form,
        title="Arrange a lesson observation",
        submit="Arrange the observation",
        back=_back(file, "observations"),
        file=file,
    )
