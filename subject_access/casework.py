"""What the safeguarding team does to a request, one function per step. Each is one
transaction with the request's row locked, so two people working on the same file at once never
overwrite each other's marks; each change is in the change log (``register_confidential``) and
the views write the access entry of each step (``access.open_object``)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import case_file
from .deadlines import MAX_EXTENSION_MONTHS
from .models import SubjectAccessRequest


def _locked(request_obj) -> SubjectAccessRequest:
    return SubjectAccessRequest.objects.select_for_update().get(pk=request_obj.pk)


def _editable(locked) -> None:
    if not locked.may_change_file:
        raise ValidationError(
            "This file is ready to send, so it stays as it was previewed. To change it, send it "
            "back to being assembled first."
        )


@transaction.atomic
def gather(request_obj, by) -> SubjectAccessRequest:
    """Gather (or gather again) the child's file; the request is then being assembled."""
    locked = _locked(request_obj)
    _editable(locked)
    data = dict(locked.case_file or {})
    data["items"] = case_file.merge(data.get("items", []), case_file.gather(locked.student, by))
    data.setdefault("everywhere", [])
    data["gathered_at"] = timezone.now().isoformat()
    locked.case_file = data
    locked.status = SubjectAccessRequest.Status.ASSEMBLING
    locked.save()
    return locked


def _item(data, number: int) -> dict:
    items = data.get("items", [])
    if not 1 <= number <= len(items):
        raise IndexError(number)
    return items[number - 1]


@transaction.atomic
def decide(request_obj, number: int, *, included: bool, exemption="", note="") -> None:
    """Send an item, or withhold it whole under an exemption with the team's reasons."""
    locked = _locked(request_obj)
    _editable(locked)
    data = dict(locked.case_file)
    item = _item(data, number)
    item.update(
        included=included,
        exemption="" if included else exemption,
        exemption_note="" if included else note,
        changed=False,
    )
    locked.case_file = data
    locked.save()


@transaction.atomic
def add_mark(request_obj, number: int | None, phrase: str, reason: str) -> None:
    """Cover ``phrase`` in item ``number``, or everywhere in the file (``number`` None)."""
    locked = _locked(request_obj)
    _editable(locked)
    data = dict(locked.case_file)
    marks = data.setdefault("everywhere", []) if number is None else None
    if number is not None:
        item = _item(data, number)
        marks = item.setdefault("marks", [])
        item["changed"] = False
    if all(m.get("phrase", "").casefold() != phrase.casefold() for m in marks):
        marks.append({"phrase": phrase, "reason": reason})
    locked.case_file = data
    locked.save()


@transaction.atomic
def remove_mark(request_obj, number: int | None, index: int) -> None:
    locked = _locked(request_obj)
    _editable(locked)
    data = dict(locked.case_file)
    marks = data.get("everywhere", []) if number is None else _item(data, number).get("marks", [])
    if 0 <= index < len(marks):
        marks.pop(index)
    locked.case_file = data
    locked.save()


@transaction.atomic
def extend(request_obj, months: int, reason: str, by) -> None:
    """Extend the deadline by ``months`` (one or two in all) for a complex request, with the
    reason; refused once the first month has passed (the requester must be told within it)."""
    locked = _locked(request_obj)
    if not locked.is_open:
        raise ValidationError("This request has been answered: its deadline no longer runs.")
    if not 1 <= months <= MAX_EXTENSION_MONTHS:
        raise ValidationError("A deadline may be extended by one or two months.")
    if timezone.localdate() > locked.first_due_on:
        raise ValidationError(
            f"The first month ended on {locked.first_due_on:%-d %B %Y}. An extension must be "
            "decided, and the requester told, within it: it can no longer be extended."
        )
    locked.extended_months = months
    locked.extension_reason = reason
    locked.extended_at = timezone.now()
    locked.extended_by = by
    locked.save()


@transaction.atomic
def set_status(request_obj, status: str, by) -> SubjectAccessRequest:
    """Move the request on (or back to assembling), as ``NEXT`` allows."""
    locked = _locked(request_obj)
    Status = SubjectAccessRequest.Status
    if status not in locked.NEXT[Status(locked.status)]:
        raise ValidationError("That step does not follow from where this request is.")
    if status == Status.READY and not (locked.case_file or {}).get("items"):
        raise ValidationError("Gather the child's file before marking it ready to send.")
    today = timezone.localdate()
    locked.status = status
    if status == Status.SENT:
        locked.sent_on = today
    if status == Status.CLOSED:
        locked.closed_on = today
    locked.save()
    return locked
