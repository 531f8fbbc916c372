"""Uploading an MIS export in the browser (``records.importing`` does the work)."""

from django import forms

from ..importing.runner import MAX_FILE_BYTES


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
