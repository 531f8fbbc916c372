"""Importing the MIS exports in the browser: an upload form per kind, then the report.

For the office, the head teacher and the safeguarding team (``policy.may_import``, role-wide);
everyone else gets 404. The work is the importer's; these views only carry the file to it.
"""

from django.http import Http404
from django.shortcuts import render

from confidentiality import access

from ..forms.importing import ImportForm
from ..importing import IMPORTERS, BadFile
from ..policy import may_import


@access.requires(may_import)
def import_home(request):
    return render(request, "records/importing/home.html", {"importers": IMPORTERS.values()})


@access.requires(may_import)
def import_file(request, kind):
    importer = IMPORTERS.get(kind)
    if importer is None:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = importer.run(
                upload.read(),
                filename=upload.name,
                dry_run=form.cleaned_data["dry_run"],
                all_or_nothing=form.cleaned_data["all_or_nothing"],
                by=request.user,
            )
        except BadFile as problem:
            form.add_error("file", f"Nothing was imported. {problem}")
    return render(
        request,
        "records/importing/import.html",
        {"importer": importer, "form": form, "report": report},
        status=400 if form.errors else 200,
    )
