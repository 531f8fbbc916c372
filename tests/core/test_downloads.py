"""The core's one way to hand a kept file back (``uploads.download``): always an attachment
under the name given, never shown in the page, sniffed as another type or kept in a cache;
and the one way to write a spreadsheet cell (``spreadsheets.spreadsheet_safe``)."""

import pytest

from confidentiality.spreadsheets import spreadsheet_safe
from confidentiality.uploads import download

PDF = b"%PDF-1.4 a piece of work"


def test_a_download_is_an_attachment_under_its_name():
    response = download(PDF, content_type="application/pdf", filename="Story - The Lost Kite.pdf")
    assert response["Content-Disposition"] == 'attachment; filename="Story - The Lost Kite.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response.getvalue() == PDF


def test_a_name_beyond_plain_ascii_is_encoded_not_mangled():
    response = download(PDF, content_type="application/pdf", filename="Zoë’s story.pdf")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert "Zo%C3%AB%E2%80%99s%20story.pdf" in disposition


def test_a_download_is_never_sniffed_or_kept():
    response = download(PDF, content_type="application/pdf", filename="work.pdf")
    assert response["X-Content-Type-Options"] == "nosniff"
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


@pytest.mark.parametrize("cell", ["=1+1", " =1+1", "  @SUM(A1)", "+1", "-1", "\t=1", "\r=1"])
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(cell):
    assert spreadsheet_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Maya Quinn", "O'Brien", "", None, "1 = 1"])
def test_an_ordinary_cell_is_left_as_it_is(cell):
    assert spreadsheet_safe(cell) == ("" if cell is None else cell)
