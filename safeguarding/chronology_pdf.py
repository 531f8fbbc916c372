"""The chronology as a PDF for a case conference (P3), drawn with ReportLab.

Every piece of text is escaped before it reaches ReportLab's paragraph markup, so what a child
said can never be read as formatting.
"""

from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus.doctemplate import LayoutError


def _para(text: str, style) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


SHORTENED = " … (shortened in this export: read the whole entry in the application)"


def render(student, entries, by, filters_text: str = "") -> bytes:
    """A4 pages: a heading, who printed it and when, then one table row per entry.

    If the layout engine cannot place an exceptionally long entry, the export is made again
    with each entry shortened and marked so, rather than failing on the day of a case
    conference."""
    try:
        return _build(student, entries, by, filters_text)
    except LayoutError:
        return _build(student, entries, by, filters_text, limit=2000)


def _shorten(text: str, limit: int | None) -> str:
    if limit is None or len(text or "") <= limit:
        return text
    return text[:limit] + SHORTENED


def _build(student, entries, by, filters_text: str, limit: int | None = None) -> bytes:
    buffer = BytesIO()
    now = timezone.localtime()
    footer = (
        f"CONFIDENTIAL – child-protection file. {getattr(settings, 'SCHOOL_NAME', '')}. "
        f"Exported by {by} on {now:%d %b %Y %H:%M}."
    )

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(15 * mm, 10 * mm, footer)
        canvas.drawRightString(195 * mm, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=f"Chronology – {student}",
        author=str(by),
    )
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8.5, leading=11)
    story = [
        _para(f"Safeguarding chronology: {student}", styles["Title"]),
        _para(
            f"Year {student.year_group} · UPN {student.upn} · {len(entries)} entries"
            + (f" · {filters_text}" if filters_text else ""),
            styles["Normal"],
        ),
        Spacer(1, 6 * mm),
    ]
    rows = [[_para(h, small) for h in ("When", "Kind", "What", "Who")]]
    for entry in entries:
        rows.append(
            [
                _para(f"{timezone.localtime(entry.when):%d %b %Y %H:%M}", small),
                _para(
                    entry.kind_label + (f"\n{entry.reference}" if entry.reference else ""), small
                ),
                [
                    _para(_shorten(entry.title, limit), small),
                    _para(_shorten(entry.detail, limit), small),
                ],
                _para(entry.who, small),
            ]
        )
    if len(rows) == 1:
        rows.append(["", "", _para("No entries match.", small), ""])
    # splitInRow: an entry longer than a page (a long account) continues on the next page
    # instead of failing the whole export.
    table = LongTable(
        rows, colWidths=[27 * mm, 25 * mm, 95 * mm, 33 * mm], repeatRows=1, splitInRow=1
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf1")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa5b1")),
            ]
        )
    )
    story.append(table)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
