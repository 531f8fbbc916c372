"""The chronology as a PDF for a case conference (P3), drawn with ReportLab.

Every piece of text is escaped before it reaches ReportLab's paragraph markup, so what a child
said can never be read as formatting.

What one export may cost is bounded, so that nobody (by writing a very long account) can make
a child's PDF take minutes or fail on the day of a case conference: each entry is cut at
``ENTRY_LIMIT`` characters and the whole export at ``TOTAL_LIMIT``; long text is laid out in
short paragraphs (ReportLab splits one huge paragraph across pages in quadratic time); and the
layout has a wall-clock budget and a page limit. Past the budget the export is made again in a
compact form. Whatever was shortened says so in the PDF, beside the entry and at the top.
"""

import re
import time
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

ENTRY_LIMIT = 20_000  # characters of one entry (the concern form's own limit)
TOTAL_LIMIT = 300_000  # characters in one export: about a hundred pages
MAX_PAGES = 200
COMPACT_ENTRY_LIMIT = 1_500  # the second attempt, when the first ran out of time or pages
COMPACT_TOTAL_LIMIT = 60_000
CHUNK = 1_200  # characters per paragraph inside a cell
SHORTENED = " … (shortened in this export: read the whole entry in the application)"
LEFT_OUT = "(left out of this export, which reached its size limit: read it in the application)"


class _OverBudget(Exception):
    """The layout ran past its time or page limit."""


# Control characters other than line ends: they only confuse the layout.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _para(text: str, style) -> Paragraph:
    text = _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _chunks(text: str) -> list[str]:
    """Short pieces, broken at line ends or spaces where possible, so each lays out quickly."""
    pieces = []
    for block in (text or "").split("\n"):
        while len(block) > CHUNK:
            cut = block.rfind(" ", CHUNK // 2, CHUNK)
            cut = cut if cut > 0 else CHUNK
            pieces.append(block[:cut])
            block = block[cut:].lstrip(" ")
        pieces.append(block)
    # Consecutive short lines stay together in one paragraph (one <br/> per line end).
    merged, current = [], ""
    for piece in pieces:
        if current and len(current) + len(piece) + 1 > CHUNK:
            merged.append(current)
            current = piece
        else:
            current = f"{current}\n{piece}" if current else piece
    merged.append(current)
    return merged


def _shorten(text: str, limit: int | None) -> str:
    if limit is None or len(text or "") <= limit:
        return text
    return text[:limit] + SHORTENED


def _deadline_seconds() -> float:
    return float(getattr(settings, "CHRONOLOGY_PDF_SECONDS", 10))


def render(student, entries, by, filters_text: str = "") -> bytes:
    """A4 pages: a heading, who printed it and when, then one table row per entry.

    Each entry is bounded and the export has a time and page budget. If the layout engine
    cannot place an entry, or the budget runs out, the export is made again with every entry
    shortened (and marked so), rather than failing on the day of a case conference."""
    deadline = time.monotonic() + _deadline_seconds()
    try:
        return _build(student, entries, by, filters_text, deadline=deadline)
    except (LayoutError, _OverBudget):
        return _build(
            student,
            entries,
            by,
            filters_text,
            limit=COMPACT_ENTRY_LIMIT,
            total=COMPACT_TOTAL_LIMIT,
            compact=True,
        )


def _bounded(entries, limit: int, total: int) -> tuple[list, int, int]:
    """Each entry's title and detail within the limits: ``(rows, shortened, left_out)``."""
    rows, shortened, left_out, used = [], 0, 0, 0
    for entry in entries:
        title, detail = entry.title or "", entry.detail or ""
        room = max(0, min(limit, total - used))
        if not detail or len(detail) <= room:
            cut = detail
        elif room >= 200:
            cut, shortened = detail[:room] + SHORTENED, shortened + 1
        else:
            cut, left_out = LEFT_OUT, left_out + 1
        used += min(len(detail), room)
        rows.append((entry, _shorten(title, 500), cut))
    return rows, shortened, left_out


class _Document(SimpleDocTemplate):
    """Stops the layout when it runs past its deadline or page limit."""

    def __init__(self, *args, deadline=None, max_pages=MAX_PAGES, **kwargs):
        super().__init__(*args, **kwargs)
        self._deadline, self._max_pages = deadline, max_pages

    def handle_pageBegin(self):
        if self.page >= self._max_pages or (
            self._deadline is not None and time.monotonic() > self._deadline
        ):
            raise _OverBudget
        super().handle_pageBegin()

    def handle_flowable(self, flowables):
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise _OverBudget
        super().handle_flowable(flowables)


def _build(
    student,
    entries,
    by,
    filters_text: str,
    limit: int | None = None,
    total: int = TOTAL_LIMIT,
    compact: bool = False,
    deadline: float | None = None,
) -> bytes:
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

    doc = _Document(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=f"Chronology – {student}",
        author=str(by),
        deadline=deadline,
        # The compact export runs to the end: its text is already small.
        max_pages=10 * MAX_PAGES if compact else MAX_PAGES,
    )
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8.5, leading=11)
    bounded, shortened, left_out = _bounded(entries, min(limit or ENTRY_LIMIT, ENTRY_LIMIT), total)
    story = [
        _para(f"Safeguarding chronology: {student}", styles["Title"]),
        _para(
            f"Year {student.year_group} · UPN {student.upn} · {len(entries)} entries"
            + (f" · {filters_text}" if filters_text else ""),
            styles["Normal"],
        ),
    ]
    notes = []
    if compact:
        notes.append(
            "This export is a shortened version: the full one would have been too long to "
            "produce. Each entry shows its beginning."
        )
    if shortened:
        notes.append(
            f"{shortened} entr{'y is' if shortened == 1 else 'ies are'} shortened in this export "
            "(marked “shortened”)."
        )
    if left_out:
        notes.append(
            f"The detail of {left_out} later entr{'y' if left_out == 1 else 'ies'} is left out "
            "(the export reached its size limit)."
        )
    if notes:
        notes.append("Read every entry in full in the application.")
        story.append(_para(" ".join(notes), styles["Normal"]))
    story.append(Spacer(1, 6 * mm))
    rows = [[_para(h, small) for h in ("When", "Kind", "What", "Who")]]
    for entry, title, detail in bounded:
        rows.append(
            [
                _para(f"{timezone.localtime(entry.when):%d %b %Y %H:%M}", small),
                _para(
                    entry.kind_label + (f"\n{entry.reference}" if entry.reference else ""), small
                ),
                [_para(title, small), *(_para(piece, small) for piece in _chunks(detail))],
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
