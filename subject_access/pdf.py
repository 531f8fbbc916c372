"""The answer to a subject-access request as a PDF, drawn with ReportLab: a cover (whose file,
for whom, when), then the file part by part, each item with its heading and text, **redacted**.

Only redacted text ever reaches ReportLab: each item's heading and text pass through
``redaction.redact`` here, before anything else (cutting a long item short happens after, so a
cut can never leave half a name showing), and withheld items are not drawn at all. The PDF's
text layer, its metadata and its bytes therefore cannot hold a redacted phrase
(``tests/subject_access/test_export.py`` reads them back with a PDF text extractor).

Text typed by people is escaped (``confidentiality.pdf_text``), so nothing in a child's file is
read as formatting, and long items are laid out in short paragraphs.
"""

from io import BytesIO

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer

from confidentiality import pdf_fonts
from confidentiality.pdf_text import cut_at_spaces, paragraph

from . import case_file
from .redaction import redact

ITEM_LIMIT = 20_000  # characters of one item drawn; the rest is said to be in a further copy
CHUNK = 1_200
SHORTENED = " … (this item continues beyond what one page of this copy holds: ask the school)"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
RULE = colors.HexColor("#9aa5b1")


def _school() -> str:
    return settings.SCHOOL_NAME


def _paragraphs(text: str, style) -> list:
    out = []
    for block in (text or "").split("\n"):
        for piece in cut_at_spaces(block, CHUNK) if block else [""]:
            if piece.strip():
                out.append(paragraph(piece, style))
    return out


def _footer(canvas, doc):
    canvas.saveState()
    canvas.setStrokeColor(RULE)
    canvas.line(MARGIN, 14 * mm, PAGE_WIDTH - MARGIN, 14 * mm)
    canvas.setFont(pdf_fonts.REGULAR, 8)
    canvas.drawString(MARGIN, 10 * mm, f"{_school()}: answer to a subject-access request")
    canvas.drawRightString(PAGE_WIDTH - MARGIN, 10 * mm, f"Page {doc.page}")
    canvas.restoreState()


def render(request_obj) -> bytes:
    """The requester's copy: every item sent, redacted; nothing withheld."""
    styles = pdf_fonts.sample_styles()
    body, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=9)
    student = request_obj.student
    items = [i for i in case_file.items_of(request_obj) if i.included]
    today = timezone.localdate()
    # The one place the cover's words are redacted too: a phrase covered everywhere is
    # covered here as well.
    everywhere = (request_obj.case_file or {}).get("everywhere", [])

    story = [
        paragraph("Answer to a subject-access request", styles["Title"]),
        paragraph(
            redact(
                f"The information {_school()} holds about {student.first_name} "
                f"{student.last_name}, as at {today:%-d %B %Y}.",
                everywhere,
            ),
            body,
        ),
        paragraph(
            f"Request received on {request_obj.received_on:%-d %B %Y}. Where words are "
            "replaced by “[redacted: …]”, they are information about someone else that the "
            "school may not disclose.",
            small,
        ),
        Spacer(1, 6 * mm),
    ]
    if not items:
        story.append(paragraph("The school holds no information it can disclose.", body))
    for label, part_items in case_file.by_part(items):
        story.append(paragraph(label, styles["Heading2"]))
        for item in part_items:
            text = item.redacted_text
            if len(text) > ITEM_LIMIT:
                text = text[:ITEM_LIMIT] + SHORTENED
            story.append(KeepTogether([paragraph(item.redacted_heading, styles["Heading4"])]))
            story.extend(_paragraphs(text, body))
            story.append(Spacer(1, 3 * mm))
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=20 * mm,
        # Metadata says what the document is, never whose or what it holds.
        title="Answer to a subject-access request",
        author=_school(),
        subject="",
        creator="",
    )
    document.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()
