"""P17: the published public minutes, for anyone, as on the school website: a page and a PDF that
carry the approved public minutes and nothing confidential (no confidential minute, confidential
report item or confidential paper); minutes not yet published are on neither."""

import base64
import re
import zlib

from governance import minutes_pdf
from governance.publication import published_minutes

from .conftest import (
    CONFIDENTIAL_MINUTE,
    CONFIDENTIAL_PAPER,
    CONFIDENTIAL_REPORT_ITEM,
    PUBLIC_MINUTE,
    PUBLIC_REPORT_ITEM,
)

PAGE = "/governors/minutes/"
MARKERS = (CONFIDENTIAL_MINUTE, CONFIDENTIAL_REPORT_ITEM, CONFIDENTIAL_PAPER)


def pdf_text(data: bytes) -> str:
    """The text drawn in a ReportLab PDF: each content stream decoded (ASCII85, then deflate),
    the strings of its text operators joined (ReportLab escapes parentheses and backslashes)."""
    assert data.startswith(b"%PDF")
    texts = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        encoded = stream.strip()
        try:
            content = zlib.decompress(base64.a85decode(encoded.removesuffix(b"~>")))
        except (ValueError, zlib.error):
            continue  # not a text stream
        for literal in re.findall(rb"\((.*?)(?<!\\)\)", content, re.S):
            texts.append(literal.replace(rb"\(", b"(").replace(rb"\)", b")").decode("latin-1"))
    return " ".join(texts)


def test_anyone_reads_the_published_minutes_without_signing_in(client, published):
    response = client.get(PAGE)
    page = response.content.decode()
    assert response.status_code == 200
    assert PUBLIC_MINUTE in page
    assert "Approved at the meeting of" in page
    for marker in MARKERS:
        assert marker not in page
    # Nor the head's report, even its public items: the report is read inside the app.
    assert PUBLIC_REPORT_ITEM not in page


def test_the_pdf_carries_the_public_minutes_and_nothing_confidential(client, published):
    response = client.get(f"/governors/minutes/{published.slug}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert "pupil premium strategy was approved" in text
    for marker in MARKERS:
        assert marker not in text


def test_the_pdf_text_reader_finds_what_is_drawn(published):
    """The reader above is proved on a PDF that does carry a marker, so its silence means
    something."""
    minutes = published_minutes(published)
    minutes.items.append(type(minutes.items[0])(9, "Test", CONFIDENTIAL_MINUTE))
    assert CONFIDENTIAL_MINUTE in pdf_text(minutes_pdf.render(minutes))


def test_minutes_not_yet_published_are_on_neither(client, meeting, next_meeting, clerk):
    assert PUBLIC_MINUTE not in client.get(PAGE).content.decode()
    assert client.get(f"/governors/minutes/{meeting.slug}.pdf").status_code == 404
    meeting.approve_minutes(at=next_meeting, by=clerk)  # approved, not yet published
    assert PUBLIC_MINUTE not in client.get(PAGE).content.decode()
    assert client.get(f"/governors/minutes/{meeting.slug}.pdf").status_code == 404


def test_what_a_clerk_typed_is_never_read_as_pdf_markup(published):
    minutes = published_minutes(published)
    minutes.items.append(type(minutes.items[0])(9, "<b>Odd</b> & (x)", "<para>text</para> \\ )"))
    assert minutes_pdf.render(minutes).startswith(b"%PDF")


def test_publishing_needs_approval_first(client, clerk, meeting):
    from tests.conftest import sign_in

    sign_in(client, clerk, verified=True)
    response = client.post(f"/governors/meetings/{meeting.pk}/publish/", follow=True)
    assert "once they are approved at a later meeting" in response.content.decode()
    meeting.refresh_from_db()
    assert not meeting.minutes_published


def test_the_pdf_says_its_title_and_language(client, published, settings):
    """A PDF reader shows the document's title, not its file name, and a screen reader reads it
    in the school's language."""
    from io import BytesIO

    from pypdf import PdfReader

    response = client.get(f"/governors/minutes/{published.slug}.pdf")
    reader = PdfReader(BytesIO(b"".join(response.streaming_content)))
    minutes = published_minutes(published)
    assert reader.metadata.title == f"{settings.SCHOOL_NAME}: {minutes.title}"
    assert reader.metadata.author == settings.SCHOOL_NAME
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
