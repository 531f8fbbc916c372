"""This school's public keys (a page, and the file given to other schools) and the partner
schools whose keys the DSL recorded. Nothing here is about a child; each look is still audited
(a list look), and each partner recorded is in the change log."""

import json

from django.contrib import messages
from django.shortcuts import redirect, render

from confidentiality import access
from confidentiality.audit import record_list_look
from confidentiality.uploads import download
from safeguarding.trail import AREA

from ..forms import PartnerForm
from ..models import PartnerSchool, SchoolKeys
from ..policy import may_transfer


@access.requires(may_transfer)
def keys_page(request):
    record_list_look(request, "transfer keys", area=AREA)
    keys = SchoolKeys.current()
    return render(request, "transfers/keys.html", {"keys": keys.identity().public_keys()})


@access.requires(may_transfer)
def keys_file(request):
    """The public keys as a file, for another school's DSL to record."""
    record_list_look(request, "transfer keys file", area=AREA)
    keys = SchoolKeys.current().identity().public_keys()
    return download(
        json.dumps(keys, indent=1).encode(),
        content_type="application/json",
        filename="school-public-keys.json",
    )


@access.requires(may_transfer)
def partners(request):
    """The partner schools, and a form to record another after comparing its fingerprint."""
    record_list_look(request, "partner schools", area=AREA)
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        partner = form.save(by=request.user)
        messages.success(request, f"{partner} recorded: you can now send it files.")
        return redirect("transfers:partners")
    return render(
        request,
        "transfers/partners.html",
        {"form": form, "partners": PartnerSchool.objects.all()},
        status=400 if request.method == "POST" else 200,
    )
