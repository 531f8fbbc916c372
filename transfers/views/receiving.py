"""Importing a file another school sent (the page beside ``manage.py import_transfer``), and the
signed receipt to send back. A refused file imports nothing and says why."""

from django.core.exceptions import ValidationError
from django.shortcuts import render

from confidentiality import access
from confidentiality.audit import mark_area, record_access, record_list_look
from confidentiality.uploads import download
from safeguarding.trail import AREA

from .. import envelope, receiving
from ..forms import ImportForm
from ..models import ReceivedTransfer
from ..policy import CHILD, may_transfer


@access.requires(may_transfer)
def import_page(request):
    record_list_look(request, "import transfer", area=AREA)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            imported = receiving.import_file(
                form.cleaned_data["file"],
                by=request.user,
                kinds=(envelope.CHILD_PROTECTION_FILE,),
            )
        except envelope.Refused as refused:
            form.add_error("file", ValidationError(str(refused)))
        else:
            record_access(request, imported.received, how="imported", area=AREA)
            return render(request, "transfers/imported.html", {"imported": imported})
    status = 400 if request.method == "POST" else 200
    return render(request, "transfers/import.html", {"form": form}, status=status)


@access.requires(may_transfer)
def receipt(request, pk):
    """The signed receipt of a file imported here, for the sending school to record."""
    mark_area(request, AREA)
    received = access.open_object(
        request, ReceivedTransfer.objects.all(), CHILD, how="download", pk=pk
    )
    return download(
        received.receipt.encode(),
        content_type="application/json",
        filename=f"receipt-{received.transfer_id}.json",
    )
