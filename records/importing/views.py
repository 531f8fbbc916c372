"""Importing the MIS exports in the browser: an upload form per kind, then the report.

For the office, the head teacher and the safeguarding team (``policy.IMPORT_MIS``, role-wide);
everyone else gets 404. The work is the importer's; these views only carry the file to it.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from confidentiality import access
from records.policy import may_import

from . import IMPORTERS, BadFile
from .runner import MAX_FILE_BYTES


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file exported from the MIS",
        help_text=f"A .csv file in UTF-8, at most {MAX_FILE_BYTES // (1024 * 1024)} MB.",
        error_messages={
            "required": "Choose the CSV file to import.",
            "empty": "Nothing was imported. The file is empty.",
        },
    )
    dry_run = forms.BooleanField(
        label="Dry run: check the file and show what would change, but save nothing",
        required=False,
        initial=True,
    )
    all_or_nothing = forms.BooleanField(
        label="All or nothing: if any row is rejected, import nothing",
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / (1024 * 1024):.1f} MB; the limit is "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB."
            )
        return upload


def _allowed(request):
    if not may_import(request.user):
        raise Http404
    access.require_second_factor(request.user)


@login_required
def import_home(request):
    _allowed(request)
    return render(request, "records/importing/home.html", {"importers": IMPORTERS.values()})


@login_required
def import_file(request, kind):
    _allowed(request)
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
    )
