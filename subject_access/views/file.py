"""The case file: gathering it, the list of its items, one item (send or withhold, redaction
marks), the marks that apply everywhere, the preview as the requester will read it, and the PDF.

Every page and step opens the request through the door (``open_request``): one access entry
each, saying which step it was."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from confidentiality.uploads import download

from .. import case_file, casework, pdf
from ..forms import DecisionForm, MarkForm
from ..redaction import REASON_CHOICES
from .door import item_of, open_request, requires_team


def _file_url(sar, anchor=""):
    return reverse("subject_access:file", kwargs={"pk": sar.pk}) + anchor


def _item_url(sar, number, anchor=""):
    return reverse("subject_access:item", kwargs={"pk": sar.pk, "number": number}) + anchor


@requires_team
def file_page(request, pk):
    sar = open_request(request, pk)
    items = case_file.items_of(sar)
    return render(
        request,
        "subject_access/file.html",
        {
            "sar": sar,
            "parts": case_file.by_part(items),
            "items": items,
            "everywhere": case_file.everywhere_marks(sar),
            "suggestions": case_file.suggestions(sar, sar.student) if sar.may_change_file else [],
            "reasons": REASON_CHOICES,
        },
    )


@requires_team
@require_POST
def gather(request, pk):
    sar = open_request(request, pk, how="assemble")
    try:
        sar = casework.gather(sar, request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("subject_access:request", pk=sar.pk)
    count = len(sar.case_file.get("items", []))
    messages.success(request, f"The child's file is gathered: {count} items to look through.")
    return redirect(_file_url(sar))


def _item_page(request, sar, item, decision=None, mark=None, status=200):
    decision = decision or DecisionForm(
        initial={
            "included": "yes" if item.included else "no",
            "exemption": item.exemption,
            "exemption_note": item.exemption_note,
        },
        prefix="decision",
    )
    mark = mark or MarkForm(item=item, prefix="mark")
    total = len(case_file.items_of(sar))
    return render(
        request,
        "subject_access/item.html",
        {
            "sar": sar,
            "item": item,
            "decision_form": decision,
            "mark_form": mark,
            "previous": item.number - 1 if item.number > 1 else None,
            "next": item.number + 1 if item.number < total else None,
            "total": total,
        },
        status=status,
    )


@requires_team
def item_page(request, pk, number):
    if request.method != "POST":
        sar = open_request(request, pk)
        return _item_page(request, sar, item_of(sar, number))
    sar = open_request(request, pk, how="redact")
    item = item_of(sar, number)
    if not sar.may_change_file:
        messages.error(
            request, "This file is ready to send: send it back to being assembled to change it."
        )
        return redirect(_item_url(sar, number))
    if request.POST.get("which") == "decision":
        form = DecisionForm(request.POST, prefix="decision")
        if not form.is_valid():
            return _item_page(request, sar, item, decision=form, status=400)
        data = form.cleaned_data
        casework.decide(
            sar,
            number,
            included=data["included"],
            exemption=data["exemption"],
            note=data["exemption_note"],
        )
        messages.success(
            request,
            "This item will be sent." if data["included"] else "This item will be withheld.",
        )
        return redirect(_item_url(sar, number))
    form = MarkForm(request.POST, item=item, prefix="mark")
    if not form.is_valid():
        return _item_page(request, sar, item, mark=form, status=400)
    data = form.cleaned_data
    casework.add_mark(
        sar, None if data["where"] == "everywhere" else number, data["phrase"], data["reason"]
    )
    where = "everywhere in the file" if data["where"] == "everywhere" else "in this item"
    messages.success(request, f"“{data['phrase']}” will be redacted {where}.")
    return redirect(_item_url(sar, number, "#marked"))


@requires_team
@require_POST
def remove_mark(request, pk, number, index):
    sar = open_request(request, pk, how="redact")
    item_of(sar, number)
    try:
        casework.remove_mark(sar, number, index)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "That redaction is removed from this item.")
    return redirect(_item_url(sar, number, "#marked"))


@requires_team
@require_POST
def redact_everywhere(request, pk):
    """A suggested name (or any phrase) covered in every item, from the file's page."""
    sar = open_request(request, pk, how="redact")
    form = MarkForm({**request.POST.dict(), "where": "everywhere"})
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("phrase", ["Enter the words to redact."])))
        return redirect(_file_url(sar, "#everywhere"))
    try:
        casework.add_mark(sar, None, form.cleaned_data["phrase"], form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, f"“{form.cleaned_data['phrase']}” will be redacted everywhere in the file."
        )
    return redirect(_file_url(sar, "#everywhere"))


@requires_team
@require_POST
def unredact_everywhere(request, pk, index):
    sar = open_request(request, pk, how="redact")
    try:
        casework.remove_mark(sar, None, index)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "That redaction is removed from the file.")
    return redirect(_file_url(sar, "#everywhere"))


@requires_team
def preview(request, pk):
    sar = open_request(request, pk, how="preview")
    items = [i for i in case_file.items_of(sar) if i.included]
    withheld = sum(1 for i in case_file.items_of(sar) if not i.included)
    return render(
        request,
        "subject_access/preview.html",
        {"sar": sar, "parts": case_file.by_part(items), "withheld": withheld},
    )


@requires_team
def export(request, pk):
    sar = open_request(request, pk, how="export")
    if not sar.may_export:
        messages.error(
            request,
            "Mark the file ready to send before exporting it: the copy sent is the one you "
            "previewed.",
        )
        return redirect("subject_access:request", pk=sar.pk)
    return download(
        pdf.render(sar),
        content_type="application/pdf",
        filename=f"subject-access-{sar.student.upn}-{sar.received_on:%Y-%m-%d}.pdf",
    )
