"""Changing a meeting while its minutes are a draft (P16, P17): its details, its agenda and the
items of its public and confidential minutes (correct, delete, reorder).

Only the clerk and the chair (``MANAGE_MEETING``); an item of the confidential minutes also needs
the meeting's confidential minutes, so a chair who did not attend changes none of them. Once the
minutes are approved every change is refused with the reason (``Meeting.check_may_edit``). Each
change is in the change log (encrypted fields masked, ``register_confidential``) besides the one
access entry of the request.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from confidentiality import access

from ..forms.meetings import AgendaItemForm, MeetingForm
from ..forms.minutes import MinuteItemForm
from ..policy import MANAGE_MEETING, may_manage_meetings
from .meetings import open_meeting, refused
from .minutes import managed_confidential


def edit_page(request, form, *, meeting, heading, submit, back, refusal, **extra):
    """The one page every change of a meeting uses: the form (what was typed kept on an error,
    with the GOV.UK error summary), or, once the minutes are approved, why nothing changes."""
    return render(
        request,
        "governance/edit_form.html",
        {
            "meeting": meeting,
            "form": form,
            "heading": heading,
            "submit": submit,
            "back": back,
            "refusal": refusal,
            **extra,
        },
        status=400 if form.is_bound else 200,
    )


def save_or_explain(form, change) -> bool:
    """Run ``change`` (a model verb) if the form is valid; a refusal becomes the form's error."""
    if not form.is_valid():
        return False
    try:
        change(**form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error.messages[0])
        return False
    return True


def remove_and_say(request, item, said: str):
    try:
        item.remove()
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, said)


def move_and_say(request, item, what: str):
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, "Choose whether to move the item up or down.")
        return
    try:
        moved = item.move(up=direction == "up")
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if moved:
            messages.success(request, f"{what} moved {direction}.")
        else:
            end = "first" if direction == "up" else "last"
            messages.info(request, f"{what} is already {end}.")


# --- the meeting's details ----------------------------------------------------------------------


@access.requires(may_manage_meetings, second_factor=True)
def edit_meeting(request, pk):
    """Correct the body, the date and time or the place of a meeting."""
    meeting = open_meeting(request, pk, MANAGE_MEETING, how="edit")
    initial = {
        "committee": meeting.committee,
        "held_at": timezone.localtime(meeting.held_at),
        "place": meeting.place,
    }
    form = MeetingForm(request.POST or None, initial=initial)
    refusal = refused(meeting, "the meeting's details", form)
    if not refusal and save_or_explain(form, meeting.change_details):
        messages.success(request, "The meeting's details are changed.")
        return redirect("governance:meeting", pk=meeting.pk)
    return edit_page(
        request,
        form,
        meeting=meeting,
        heading="Change the meeting's details",
        submit="Save the changes",
        back=reverse("governance:meeting", args=[meeting.pk]),
        refusal=refusal,
    )


# --- the agenda ---------------------------------------------------------------------------------


def _agenda_item(request, pk, item_pk):
    meeting = open_meeting(request, pk, MANAGE_MEETING, how="edit")
    return meeting, get_object_or_404(meeting.agenda.all(), pk=item_pk)


@access.requires(may_manage_meetings, second_factor=True)
def edit_agenda_item(request, pk, item_pk):
    meeting, item = _agenda_item(request, pk, item_pk)
    form = AgendaItemForm(request.POST or None, initial={"title": str(item.title)})
    refusal = refused(meeting, "the agenda", form)
    if not refusal and save_or_explain(form, item.retitle):
        messages.success(request, f"Agenda item {item.number} changed.")
        return redirect("governance:meeting", pk=meeting.pk)
    return edit_page(
        request,
        form,
        meeting=meeting,
        heading=f"Change agenda item {item.number}",
        submit="Save the item",
        back=reverse("governance:meeting", args=[meeting.pk]),
        refusal=refusal,
        delete=reverse("governance:delete_agenda_item", args=[meeting.pk, item.pk]),
        delete_label=f"Delete agenda item {item.number}",
    )


@access.requires(may_manage_meetings, second_factor=True)
@require_POST
def delete_agenda_item(request, pk, item_pk):
    meeting, item = _agenda_item(request, pk, item_pk)
    said = f"Agenda item {item.number} deleted; the items after it are renumbered."
    remove_and_say(request, item, said)
    return redirect("governance:meeting", pk=meeting.pk)


@access.requires(may_manage_meetings, second_factor=True)
@require_POST
def move_agenda_item(request, pk, item_pk):
    meeting, item = _agenda_item(request, pk, item_pk)
    move_and_say(request, item, f"Agenda item {item.number}")
    return redirect("governance:meeting", pk=meeting.pk)


# --- the items of the minutes: one way for both parts -----------------------------------------


@dataclass(frozen=True)
class MinutesPart:
    """What differs between changing the public and the confidential minutes: how the meeting
    is opened (the confidential part also needs its confidential minutes), which items, where
    the page returns to, and the words."""

    opens: Callable  # fn(request, pk) -> meeting
    items: str  # the meeting's related name for this part's items
    page: str  # where to return: the meeting's page, or its confidential minutes
    words: str
    flag: str  # what edit_form.html is told about the part
    delete: str


PUBLIC = MinutesPart(
    opens=lambda request, pk: open_meeting(request, pk, MANAGE_MEETING, how="edit"),
    items="public_minutes",
    page="governance:meeting",
    words="public minutes",
    flag="public_minutes",
    delete="governance:delete_public_item",
)
CONFIDENTIAL = MinutesPart(
    opens=managed_confidential,
    items="confidential_minutes",
    page="governance:confidential_minutes",
    words="confidential minutes",
    flag="confidential",
    delete="governance:delete_confidential_item",
)


def _item(request, pk, item_pk, part):
    meeting = part.opens(request, pk)
    return meeting, get_object_or_404(getattr(meeting, part.items).all(), pk=item_pk)


def _edit_item(request, pk, item_pk, part):
    meeting, item = _item(request, pk, item_pk, part)
    form = MinuteItemForm(
        request.POST or None, initial={"heading": str(item.heading), "text": str(item.text)}
    )
    refusal = refused(meeting, "this item", form)
    if not refusal and save_or_explain(form, item.revise):
        messages.success(request, f"Item {item.number} of the {part.words} changed.")
        return redirect(part.page, pk=meeting.pk)
    return edit_page(
        request,
        form,
        meeting=meeting,
        heading=f"Change item {item.number} of the {part.words}",
        submit="Save the item",
        back=reverse(part.page, args=[meeting.pk]),
        refusal=refusal,
        delete=reverse(part.delete, args=[meeting.pk, item.pk]),
        delete_label=f"Delete item {item.number}",
        **{part.flag: True},
    )


def _delete_item(request, pk, item_pk, part):
    meeting, item = _item(request, pk, item_pk, part)
    said = f"Item {item.number} deleted from the {part.words}; the items after it are renumbered."
    remove_and_say(request, item, said)
    return redirect(part.page, pk=meeting.pk)


def _move_item(request, pk, item_pk, part):
    meeting, item = _item(request, pk, item_pk, part)
    move_and_say(request, item, f"Item {item.number}")
    return redirect(part.page, pk=meeting.pk)


@access.requires(may_manage_meetings, second_factor=True)
def edit_public_item(request, pk, item_pk):
    """Correct an item of the draft public minutes."""
    return _edit_item(request, pk, item_pk, PUBLIC)


@access.requires(may_manage_meetings, second_factor=True)
@require_POST
def delete_public_item(request, pk, item_pk):
    return _delete_item(request, pk, item_pk, PUBLIC)


@access.requires(may_manage_meetings, second_factor=True)
@require_POST
def move_public_item(request, pk, item_pk):
    return _move_item(request, pk, item_pk, PUBLIC)


@access.requires(may_manage_meetings, second_factor=True)
def edit_confidential_item(request, pk, item_pk):
    """Correct an item of the draft confidential minutes (the clerk, or the chair if they
    attended the meeting)."""
    return _edit_item(request, pk, item_pk, CONFIDENTIAL)


@access.requires(may_manage_meetings, second_factor=True)
@require_POST
def delete_confidential_item(request, pk, item_pk):
    return _delete_item(request, pk, item_pk, CONFIDENTIAL)


@access.requires(may_manage_meetings, second_factor=True)
@require_POST
def move_confidential_item(request, pk, item_pk):
    return _move_item(request, pk, item_pk, CONFIDENTIAL)
