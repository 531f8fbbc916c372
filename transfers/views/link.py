"""The one-time link a school on other software collects a child's file through (either file:
the page names neither, so a link says nothing of which it is).

Public (the other school has no account here): the link's token, kept only as a hash, and the
passphrase the DSL read to them by phone together open it. It works once, for ``LINK_DAYS``, and
ends after ``LINK_WRONG_PASSPHRASES`` wrong passphrases. The page shows nothing of the file until
the passphrase is right (not even the school or the child), and then answers with a ZIP of the
JSON file and its PDF. Every collection is in the audit trail."""

import io
import json
import zipfile

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from confidentiality import access
from confidentiality.audit import record_access
from confidentiality.uploads import download
from safeguarding.trail import AREA

from .. import envelope, sending
from ..forms import CollectForm


def _zip(content: dict, name: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}.json", json.dumps(content, indent=1))
        pdf = envelope.unb64(content["readable_copy"]["content_base64"])
        archive.writestr(f"{name}.pdf", pdf)
    return out.getvalue()


@access.public
@never_cache
def collect(request, token):
    if sending.transfer_for_link(token) is None:
        return render(request, "transfers/link_gone.html", status=404)
    form = CollectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        transfer, content = sending.collect(token, form.cleaned_data["passphrase"])
        if transfer is None:
            return render(request, "transfers/link_gone.html", status=404)
        if content is not None:
            # A child-protection file's collection is safeguarding work in the trail; a pupil
            # record's, a look at the record.
            cp = transfer.kind == envelope.CHILD_PROTECTION_FILE
            if cp:
                record_access(request, transfer, how="collected", area=AREA)
            else:
                record_access(request, transfer, how="record-collected")
            name = sending.FILES[transfer.kind].name
            return download(
                _zip(content, name),
                content_type="application/zip",
                filename=f"{name}-{transfer.pk}.zip",
            )
        left = sending.LINK_WRONG_PASSPHRASES - transfer.link_wrong_passphrases
        if left <= 0:
            return render(request, "transfers/link_gone.html", status=404)
        form.add_error(
            "passphrase",
            ValidationError(
                f"That passphrase is not right. {left} more tr{'y' if left == 1 else 'ies'} "
                "before this link stops working: check it with the school that sent it."
            ),
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "transfers/collect.html", {"form": form}, status=status)
