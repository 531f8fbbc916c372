"""The PDF sent to the requester never holds redacted words: read back with a real PDF text
extractor (its text layer), in its raw bytes, in every decompressed stream, and in its
metadata. Withheld items are not in it at all."""

import contextlib
import zlib

import pytest
from pypdf import PdfReader

from subject_access import casework, pdf
from subject_access.case_file import items_of
from tests.subject_access.conftest import OTHER_CHILD, STAFF_NAME


def _read(data: bytes):
    from io import BytesIO

    reader = PdfReader(BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    streams = []
    for page in reader.pages:
        contents = page.get_contents()
        if contents is not None:
            streams.append(contents.get_data())
    return reader, text, streams


def _flat(text: str) -> str:
    return " ".join(text.split()).casefold()


@pytest.fixture
def gathered(sar, dsl):
    return casework.gather(sar, dsl)


def test_the_extractor_reads_the_words_when_nothing_is_redacted(gathered):
    """The control: the same file unredacted shows the words, so the tests below mean it."""
    _, text, _ = _read(pdf.render(gathered))
    assert _flat(OTHER_CHILD) in _flat(text) and _flat(STAFF_NAME) in _flat(text)


def test_redacted_words_are_nowhere_in_the_pdf(gathered, dsl):
    concern = next(i for i in items_of(gathered) if OTHER_CHILD in i.text)
    casework.add_mark(gathered, None, OTHER_CHILD, "third_party")
    casework.add_mark(gathered, concern.number, STAFF_NAME, "staff")
    gathered.refresh_from_db()
    data = pdf.render(gathered)
    reader, text, streams = _read(data)
    for phrase in (OTHER_CHILD, STAFF_NAME, "Oliver", "Patel"):
        assert _flat(phrase) not in _flat(text), phrase
        for encoding in ("latin-1", "utf-16-be"):
            assert phrase.encode(encoding) not in data, phrase
        for stream in streams:
            assert phrase.encode("latin-1") not in stream, phrase
        assert phrase not in str(reader.metadata or {})
    # Every raw stream, decompressed where it is compressed.
    for chunk in data.split(b"stream")[1:]:
        body = chunk.split(b"endstream")[0].strip(b"\r\n")
        with contextlib.suppress(zlib.error):  # a stream that is not compressed
            body = zlib.decompress(body)
        for phrase in (OTHER_CHILD, STAFF_NAME):
            assert phrase.encode("latin-1") not in body
    assert "[redacted: third party]" in _flat(text)
    assert "[redacted: member of staff]" in _flat(text)
    assert "Maya" in text  # the child's own file is there


def test_a_withheld_item_is_not_in_the_pdf(gathered):
    grade = next(i for i in items_of(gathered) if i.key.startswith("grade:"))
    casework.decide(
        gathered, grade.number, included=False, exemption="serious_harm", note="Harm to Maya."
    )
    gathered.refresh_from_db()
    data = pdf.render(gathered)
    _, text, _ = _read(data)
    assert "Autumn arithmetic test" not in text and "27/30" not in text
    assert "Harm to Maya" not in text  # the reasons are the school's, never sent
    assert b"Autumn arithmetic test" not in data


def test_a_long_item_is_cut_after_it_is_redacted_never_before(gathered, settings):
    """Cutting first could leave half a name showing at the cut."""
    items = gathered.case_file["items"]
    items[0]["text"] = "x" * (pdf.ITEM_LIMIT - 5) + f" {OTHER_CHILD} and more"
    gathered.save()
    casework.add_mark(gathered, None, OTHER_CHILD, "third_party")
    gathered.refresh_from_db()
    _, text, _ = _read(pdf.render(gathered))
    assert "Oliv" not in text and "Olive" not in text
