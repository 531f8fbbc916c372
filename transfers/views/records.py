"""The office's pages for a child's main pupil record: the records sent and received, preparing a
leaver's record, one transfer with its deadline and steps, and importing a joiner's record.

The same steps as the child-protection file (``sending``, ``receiving``: one envelope, the
same two ways to send), but another door and another permission: the office and the head
teacher (``may_move_records``), each child opened with their record permission (``RECORD``),
each look audited once as a look at the pupil's record. Nothing here shows, links to or counts a
child-protection file."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.audit import record_access, record_list_look
from confidentiality.uploads import download
from records.models import Student

from .. import envelope, receiving, sending
from ..forms import ImportForm, ReceiptForm, RecordPrepareForm
from ..models import ReceivedRecord, RecordTransfer
from ..policy import RECORD, may_move_records

# Everyone here confirms a second factor first, the office too: the record holds medical, SEN
# and family detail the office does not otherwise read.
DOOR = {"second_factor": True}


def open_record_transfer(request, pk, how="view") -> RecordTransfer:
    return access.open_object(
        request,
        RecordTransfer.objects.select_related("student", "partner", "prepared_by", "confirmed_by"),
        RECORD,
        how=how,
        pk=pk,
    )


@access.requires(may_move_records, **DOOR)
def home(request):
    """Every pupil record sent, newest first, with its deadline and step; the records received."""
    record_list_look(request, "record transfers")
    rows = list(
        access.visible(request, RecordTransfer.objects.all(), RECORD).select_related(
            "student", "partner"
        )
    )
    received = access.visible(request, ReceivedRecord.objects.all(), RECORD).select_related(
        "student"
    )
    now = timezone.now()
    return render(
        request,
        "transfers/records/home.html",
        {
            "transfers": rows,
            "overdue": [t for t in rows if t.is_overdue(now)],
            "received": received,
        },
    )


@access.requires(may_move_records, **DOOR)
def prepare(request):
    """Build, seal and sign a leaver's pupil record. For a school on other software the
    passphrase and the link are shown on this answer only: neither is kept."""
    record_list_look(request, "prepare record transfer")
    form = RecordPrepareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        child = access.open_object(
            request,
            Student.objects.all(),
            RECORD,
            how="record-export",
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
            kind=envelope.PUPIL_RECORD,
        )
        if not prepared.passphrase:
            messages.success(
                request,
                f"{child}'s pupil record is ready for {prepared.transfer.school_name}: download "
                "it and send it to their office, then mark it as sent.",
            )
            return redirect("transfers:record", pk=prepared.transfer.pk)
        link = sending.collect_link(prepared.link_token)
        response = render(
            request,
            "transfers/records/prepared.html",
            {"transfer": prepared.transfer, "passphrase": prepared.passphrase, "link": link},
        )
        add_never_cache_headers(response)  # shown once: never kept by a browser or a proxy
        return response
    status = 400 if request.method == "POST" else 200
    return render(request, "transfers/records/prepare.html", {"form": form}, status=status)


def _page(request, transfer, receipt_form=None, status=200):
    return render(
        request,
        "transfers/records/transfer.html",
        {
            "transfer": transfer,
            "overdue": transfer.is_overdue(),
            "receipt_form": receipt_form or ReceiptForm(),
            "link_works": sending.link_works(transfer),
        },
        status=status,
    )


@access.requires(may_move_records, **DOOR)
def transfer_page(request, pk):
    return _page(request, open_record_transfer(request, pk))


@access.requires(may_move_records, **DOOR)
def sealed_file(request, pk):
    """The sealed, signed record to send to a school on this software."""
    transfer = open_record_transfer(request, pk, how="download")
    return download(
        bytes(transfer.sealed_file),
        content_type="application/json",
        filename=f"pupil-record-{transfer.pk}.json",
    )


@access.requires(may_move_records, **DOOR)
def readable_copy(request, pk):
    """The sending school's readable copy (PDF) of the record sent."""
    transfer = open_record_transfer(request, pk, how="download")
    return download(
        bytes(transfer.readable_copy),
        content_type="application/pdf",
        filename=f"pupil-record-{transfer.pk}.pdf",
    )


@access.requires(may_move_records, **DOOR)
@require_POST
def mark_sent(request, pk):
    transfer = open_record_transfer(request, pk, how="record-sent")
    sending.mark_sent(transfer)
    messages.success(request, f"Marked as sent to {transfer.school_name}.")
    return redirect("transfers:record", pk=transfer.pk)


@access.requires(may_move_records, **DOOR)
@require_POST
def record_receipt(request, pk):
    """The new school's signed receipt: checked, then the transfer is confirmed."""
    transfer = open_record_transfer(request, pk, how="record-receipt")
    form = ReceiptForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            sending.record_receipt(form.cleaned_data["receipt"], by=request.user, expected=transfer)
        except envelope.Refused as refused:
            form.add_error("receipt", ValidationError(str(refused)))
        else:
            messages.success(
                request, f"Receipt recorded: {transfer.school_name} has the child's record."
            )
            return redirect("transfers:record", pk=transfer.pk)
    return _page(request, transfer, receipt_form=form, status=400)


@access.requires(may_move_records, **DOOR)
@require_POST
def confirm_by_phone(request, pk):
    """A school on other software told the office it has the record (by phone or letter)."""
    transfer = open_record_transfer(request, pk, how="record-receipt")
    if transfer.by_passphrase:
        sending.confirm_by_phone(transfer, request.user)
        messages.success(request, f"Recorded: {transfer.school_name} confirmed they have it.")
    return redirect("transfers:record", pk=transfer.pk)


@access.requires(may_move_records, **DOOR)
def import_page(request):
    """Import a joiner's pupil record another school sent; a child-protection file is refused
    here (it is for the DSL) and imports nothing."""
    record_list_look(request, "import record transfer")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            imported = receiving.import_file(
                form.cleaned_data["file"], by=request.user, kinds=(envelope.PUPIL_RECORD,)
            )
        except envelope.Refused as refused:
            form.add_error("file", ValidationError(str(refused)))
        else:
            record_access(request, imported.received, how="record-imported")
            return render(request, "transfers/records/imported.html", {"imported": imported})
    status = 400 if request.method == "POST" else 200
    return render(request, "transfers/records/import.html", {"form": form}, status=status)


@access.requires(may_move_records, **DOOR)
def received_page(request, pk):
    """A record imported here: where it came from, the parents and carers its file names for
    the office to check with the family (never added from the file), and its receipt."""
    received = access.open_object(request, ReceivedRecord.objects.all(), RECORD, pk=pk)
    return render(
        request,
        "transfers/records/received.html",
        {"received": received, "contacts_to_check": (received.content or {}).get("contacts", [])},
    )


@access.requires(may_move_records, **DOOR)
def receipt(request, pk):
    """The signed receipt of a record imported here, for the sending school to record."""
    received = access.open_object(
        request, ReceivedRecord.objects.all(), RECORD, how="download", pk=pk
    )
    return download(
        received.receipt.encode(),
        content_type="application/json",
        filename=f"receipt-{received.transfer_id}.json",
    )
