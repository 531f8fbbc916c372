"""Exports for a spreadsheet: every CSV the application offers is made here.

UTF-8 with a byte-order mark (so Excel reads names with accents right), every cell safe from
formula injection (a name typed as ``=HYPERLINK(...)`` stays text), sent as a download that is
never cached. The caller audits the export: what was exported says something about the school.
"""

import csv
import io

from confidentiality.uploads import download

# A cell beginning with one of these is read as a formula by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (some spreadsheets skip
    leading spaces before reading a formula, so those count too)."""
    text = "" if value is None else str(value)
    return "'" + text if text.lstrip(" ").startswith(FORMULA_STARTS) else text


def csv_download(headings, rows, filename: str):
    """``rows`` (an iterable of cell sequences) under ``headings`` as a CSV download."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([spreadsheet_safe(cell) for cell in headings])
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return download(
        ("\ufeff" + out.getvalue()).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        filename=filename,
    )
