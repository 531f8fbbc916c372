"""The published public minutes of a meeting as a PDF, drawn with ReportLab (P17).

It draws only what ``publication.published_minutes`` gives it: the public minutes, never the
confidential ones. Every piece of text is escaped before it reaches ReportLab's paragraph markup,
so what a clerk typed can never be read as formatting; long minutes are laid out in short
paragraphs (ReportLab lays out one huge paragraph slowly).
"""

from io import BytesIO

from django.conf import settings
from django.utils.translation import to_locale
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer

from confidentiality import pdf_fonts
from confidentiality.pdf_text import cut_at_spaces, paragraph

from .publication import PublishedMinutes

CHUNK = 1_200  # characters per paragraph
_para = paragraph


def _pieces(text: str) -> list[str]:
    """The text in paragraphs of at most ``CHUNK`` characters, broken at spaces where possible."""
    pieces = []
    for block in (text or "").split("\n\n"):
        pieces.extend(cut_at_spaces(block, CHUNK))
    return pieces


def render(minutes: PublishedMinutes) -> bytes:
    buffer = BytesIO()
    school = getattr(settings, "SCHOOL_NAME", "")
    footer = f"{school}: {minutes.title}, {minutes.held}. {minutes.approved}".strip()

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont(pdf_fonts.REGULAR, 8)
        canvas.drawString(15 * mm, 10 * mm, footer[:120])
        canvas.drawRightString(195 * mm, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        # The document's own title and language: a PDF reader shows the title (not the file
        # name) and a screen reader reads the minutes in the school's language.
        title=f"{school}: {minutes.title}",
        displayDocTitle=True,
        lang=to_locale(settings.LANGUAGE_CODE).replace("_", "-"),
        author=school,
        subject=f"Public minutes, {minutes.held}",
    )
    styles = pdf_fonts.sample_styles()
    body = styles["BodyText"]
    story = [
        _para(school, styles["Normal"]),
        _para(minutes.title, styles["Title"]),
        _para(f"{minutes.held}. {minutes.place}.", styles["Normal"]),
    ]
    if minutes.approved:
        story.append(_para(minutes.approved, styles["Normal"]))
    story.append(Spacer(1, 5 * mm))
    story.append(_para("Present", styles["Heading2"]))
    story.append(_para("\n".join(minutes.present) or "Not recorded.", body))
    for heading, names in (
        ("Apologies (accepted)", minutes.apologies),
        ("Apologies (not accepted)", minutes.apologies_not_accepted),
        ("Absent without apologies", minutes.absent),
    ):
        if names:
            story.append(_para(heading, styles["Heading2"]))
            story.append(_para("\n".join(names), body))
    story.append(_para("Minutes", styles["Heading2"]))
    for item in minutes.items:
        story.append(_para(f"{item.number}. {item.heading}", styles["Heading3"]))
        story.extend(_para(piece, body) for piece in _pieces(item.text))
    if not minutes.items:
        story.append(_para("No public minutes were recorded for this meeting.", body))
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
