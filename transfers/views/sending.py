"""The sending school's pages: the list of transfers, preparing a child's file, one transfer with
its deadline and steps, and what the DSL does with it (download, mark sent, record the receipt).

The safeguarding team only, verified (the door); a child and a transfer are opened through
``access.open_object`` with the child-protection file's permission, each look audited once as
safeguarding work (so the audit trail shows it only to those who may know of the file)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.audit import mark_area, record_list_look
from confidentiality.uploads import download
from records.models import Student
from safeguarding.trail import AREA

from .. import envelope, sending
from ..forms import PrepareForm, ReceiptForm
from ..models import ReceivedTransfer, Transfer
from ..policy import CHILD, may_transfer


def open_transfer(request, pk, how="view") -> Transfer:
    mark_area(request, AREA)
    return access.open_object(
        request,
        Transfer.objects.select_related("partner", "prepared_by", "confirmed_by"),
        CHILD,
        how=how,
        pk=pk,
    )


@access.requires(may_transfer)
def home(request):
    """Every transfer, newest first, with its deadline and step; the files received."""
    record_list_look(request, "transfers", area=AREA)
    transfers = (
        access.visible(request, Transfer.objects.all(), CHILD)
        .select_related("partner")
        .with_children()
    )
    received = access.visible(request, ReceivedTransfer.objects.all(), CHILD).with_children()
    now = timezone.now()
    rows = list(transfers)
    return render(
        request,
        "transfers/home.html",
        {
            "transfers": rows,
            "overdue": [t for t in rows if t.is_overdue(now)],
            "received": received,
            "now": now,
        },
    )


@access.requires(may_transfer)
def prepare(request):
    """Build, seal and sign a child's file. For a school on other software the passphrase and
    the link are shown on this answer only: neither is kept."""
    record_list_look(request, "prepare transfer", area=AREA)
    form = PrepareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mark_area(request, AREA)
        child = access.open_object(
            request,
            Student.objects.all(),
            CHILD,
            how="export",
            blind=True,
            pk=form.cleaned_data["child"].pk,
        )
        data = form.cleaned_data
        prepared = sending.prepare(
            student=child,
            by=request.user,
            starts_on=data["starts_on"],
            partner=data["partner"],
            school_name=data["school_name"].strip(),
            school_urn=data["school_urn"].strip(),
        )
        if not prepared.passphrase:
            messages.success(
                request,
                # Not naming the child: the message waits in the session (a database table).
                f"The file is ready for {prepared.transfer.school_name}: download it and send it "
                "to their DSL, then mark it as sent.",
            )
            return redirect("transfers:transfer", pk=prepared.transfer.pk)
        link = sending.collect_link(prepared.link_token)
        response = render(
            request,
            "transfers/prepared.html",
            {"transfer": prepared.transfer, "passphrase": prepared.passphrase, "link": link},
        )
        add_never_cache_headers(response)  # shown once: never kept by a browser or a proxy
        return response
    status = 400 if request.method == "POST" else 200
    return render(request, "transfers/prepare.html", {"form": form}, status=status)


def _transfer_page(request, transfer, receipt_form=None, status=200):
    return render(
        request,
        "transfers/transfer.html",
        {
            "transfer": transfer,
            "overdue": transfer.is_overdue(),
            "receipt_form": receipt_form or ReceiptForm(),
            "link_works": sending.link_works(transfer),
        },
        status=status,
    )


@access.requires(may_transfer)
def transfer_page(request, pk):
    return _transfer_page(request, open_transfer(request, pk))


@access.requires(may_transfer)
def sealed_file(request, pk):
    """The sealed, signed file to send to a school on this software."""
    transfer = open_transfer(request, pk, how="download")
    return download(
        bytes(transfer.sealed_file),
        content_type="application/json",
        filename=f"child-protection-file-{transfer.pk}.json",
    )


@access.requires(may_transfer)
def readable_copy(request, pk):
    """The sending school's readable copy (PDF) of what was sent."""
    transfer = open_transfer(request, pk, how="download")
    return download(
        bytes(transfer.readable_copy),
        content_type="application/pdf",
        filename=f"child-protection-file-{transfer.pk}.pdf",
    )


@access.requires(may_transfer)
@require_POST
def mark_sent(request, pk):
    transfer = open_transfer(request, pk, how="sent")
    sending.mark_sent(transfer)
    messages.success(request, f"Marked as sent to {transfer.school_name}.")
    return redirect("transfers:transfer", pk=transfer.pk)


@access.requires(may_transfer)
@require_POST
def record_receipt(request, pk):
    """The new school's signed receipt: checked, then the transfer is confirmed."""
    transfer = open_transfer(request, pk, how="receipt")
    form = ReceiptForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            sending.record_receipt(form.cleaned_data["receipt"], by=request.user, expected=transfer)
        except envelope.Refused as refused:
            form.add_error("receipt", ValidationError(str(refused)))
        else:
            messages.success(
                request, f"Receipt recorded: {transfer.school_name} has the child's file."
            )
            return redirect("transfers:transfer", pk=transfer.pk)
    return _transfer_page(request, transfer, receipt_form=form, status=400)


@access.requires(may_transfer)
@require_POST
def confirm_by_phone(request, pk):
    """A school on other software told the DSL it has the file (by phone or letter)."""
    transfer = open_transfer(request, pk, how="receipt")
    if transfer.by_passphrase:
        sending.confirm_by_phone(transfer, request.user)
        messages.success(request, f"Recorded: {transfer.school_name} confirmed they have it.")
    return redirect("transfers:transfer", pk=transfer.pk)
