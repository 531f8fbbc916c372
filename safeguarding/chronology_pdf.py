"""The chronology as a PDF for a child protection case conference (P3), drawn with ReportLab.

A cover page (who the child is, their family, the adults and agencies involved, their statuses,
and which kinds of entry and which dates the export holds), then the chronology, one row per
entry with its reference, then the body map of each concern in it that has one: the outline,
front and back, with numbered marks and a numbered key beside it. Every page says CONFIDENTIAL
at its head and foot, "Page N of M", who generated it and when, and the school's name.

Every piece of text is escaped before it reaches ReportLab's paragraph markup, so what a child
said can never be read as formatting.

What one export may cost is bounded, so that nobody (by writing a very long account) can make
a child's PDF take minutes or fail on the day of a case conference: each entry is cut at
``ENTRY_LIMIT`` characters and the whole export at ``TOTAL_LIMIT``; long text is laid out in
short paragraphs (ReportLab splits one huge paragraph across pages in quadratic time); and the
layout has a wall-clock budget and a page limit. Past the budget the export is made again in a
compact form. Whatever was shortened says so in the PDF, beside the entry and at the top.
"""

import time
from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils import timezone
from reportlab.graphics.shapes import Circle, Drawing, Ellipse, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from confidentiality import pdf_fonts
from confidentiality.forms.people import person_label
from confidentiality.pdf_text import clean as _clean
from confidentiality.pdf_text import cut_at_spaces, paragraph

from . import body_map, chronology, profile

ENTRY_LIMIT = 20_000  # characters of one entry (the concern form's own limit)
TOTAL_LIMIT = 300_000  # characters in one export: about a hundred pages
MAX_PAGES = 200
COMPACT_ENTRY_LIMIT = 1_500  # the second attempt, when the first ran out of time or pages
COMPACT_TOTAL_LIMIT = 60_000
CHUNK = 1_200  # characters per paragraph inside a cell
FIELD_LIMIT = 500  # characters of one name, title, or body-map note
ROWS_PER_TABLE = 20  # entries per block of the chronology's table (see _build)
MARK_LIMIT = 40  # marks drawn on one body map; any more are listed as left out
SHORTENED = " … (shortened in this export: read the whole entry in the application)"
LEFT_OUT = "(left out of this export, which reached its size limit: read it in the application)"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
GRID = colors.HexColor("#9aa5b1")
SHADE = colors.HexColor("#e8ecf1")
MARK_COLOUR = colors.HexColor("#b42318")


class _OverBudget(Exception):
    """The layout ran past its time or page limit."""


def _para(text: str, style) -> Paragraph:
    return paragraph(text, style)


def _labelled(label: str, text: str, style) -> Paragraph:
    """ "Label: text", the label in bold (both escaped)."""
    body = escape(_clean(text)).replace("\n", "<br/>")
    return Paragraph(f"<b>{escape(label)}</b> {body}", style)


def _chunks(text: str) -> list[str]:
    """Short pieces, broken at line ends or spaces where possible, so each lays out quickly."""
    pieces = []
    for block in (text or "").split("\n"):
        pieces.extend(cut_at_spaces(block, CHUNK))
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


def render(student, entries, by, filters_text: str = "", *, cover=None) -> bytes:
    """A4 pages: the cover, then one table row per entry, then the body maps.

    ``cover`` is ``chronology.cover_for(...)`` with what the DSL chose; without it, the cover
    of the whole chronology. Each entry is bounded and the export has a time and page budget.
    If the layout engine cannot place an entry, or the budget runs out, the export is made again
    with every entry shortened (and marked so), rather than failing on the day of a case
    conference."""
    deadline = time.monotonic() + _deadline_seconds()
    # Whoever made it is named on the cover and on every page: their roles read once.
    prefetch_related_objects([by], "groups")
    try:
        return _build(student, entries, by, filters_text, cover=cover, deadline=deadline)
    except (LayoutError, _OverBudget):
        return _build(
            student,
            entries,
            by,
            filters_text,
            limit=COMPACT_ENTRY_LIMIT,
            total=COMPACT_TOTAL_LIMIT,
            compact=True,
            cover=cover,
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
        rows.append((entry, _shorten(title, FIELD_LIMIT), cut))
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


# --- every page: CONFIDENTIAL at head and foot, who generated it, "Page N of M" ----------------


def _fitted(text: str, font: str, size: float, width: float) -> tuple[str, float]:
    """The text in a size that fits the width (down to 6 points, then cut)."""
    while size > 6 and stringWidth(text, font, size) > width:
        size -= 0.5
    while len(text) > 10 and stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    return text, size


def _page_canvas(header: str, footer: str):
    """A canvas that holds its pages back until the end, so that each can say how many there
    are ("Page 3 of 12") beside the confidentiality marking."""

    class PageCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held = []

        def showPage(self):
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._held)
            for state in self._held:
                self.__dict__.update(state)
                self._mark_page(total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _mark_page(self, total: int):
            self.saveState()
            self.setFillColor(colors.black)
            top = PAGE_HEIGHT - 9 * mm
            self.setFont(pdf_fonts.BOLD, 9)
            self.drawString(MARGIN, top, "CONFIDENTIAL")
            text, size = _fitted(header, pdf_fonts.REGULAR, 8, FRAME_WIDTH - 30 * mm)
            self.setFont(pdf_fonts.REGULAR, size)
            self.drawRightString(PAGE_WIDTH - MARGIN, top, text)
            self.setStrokeColor(GRID)
            self.line(MARGIN, top - 2 * mm, PAGE_WIDTH - MARGIN, top - 2 * mm)
            self.line(MARGIN, 14 * mm, PAGE_WIDTH - MARGIN, 14 * mm)
            self.setFont(pdf_fonts.BOLD, 8)
            self.drawString(MARGIN, 10 * mm, "CONFIDENTIAL")
            text, size = _fitted(footer, pdf_fonts.REGULAR, 7.5, FRAME_WIDTH - 50 * mm)
            self.setFont(pdf_fonts.REGULAR, size)
            self.drawString(MARGIN + 22 * mm, 10 * mm, text)
            self.setFont(pdf_fonts.REGULAR, 8)
            self.drawRightString(
                PAGE_WIDTH - MARGIN, 10 * mm, f"Page {self._pageNumber} of {total}"
            )
            self.restoreState()

    return PageCanvas


# --- the cover ---------------------------------------------------------------------------------


def _table(rows, widths, header=True) -> Table:
    table = LongTable(rows, colWidths=widths, repeatRows=1 if header else 0, splitInRow=1)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.25, GRID),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    else:
        style.append(("BACKGROUND", (0, 0), (0, -1), SHADE))
    table.setStyle(TableStyle(style))
    return table


def _day(value) -> str:
    return profile.day(value) if value else ""


def _age(born, on) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _born(born, today) -> str:
    if getattr(born, "unreadable", False):
        return str(born)  # the message: it cannot be opened on this server
    return f"{_day(born)} (age {_age(born, today)})" if born else "Not recorded"


def _address(address: str | None) -> str:
    if address is None:
        return "Not shown: reading the family's circumstances is not part of your role"
    return address or (
        "Not recorded on the child's record (personal and family circumstances): add it there "
        "before the conference"
    )


def _child_rows(cover, small) -> list:
    student = cover.student
    born = student.date_of_birth
    today = timezone.localdate()
    name = f"{student.first_name} {student.last_name}"
    if student.preferred_name and student.preferred_name != student.first_name:
        name += f" (known as {student.preferred_name})"
    rows = [
        ("Name", name),
        ("Date of birth", _born(born, today)),
        ("Year group", f"Year {student.year_group}"),
        ("UPN", student.upn),
        ("Address", _address(cover.address)),
    ]
    if cover.gender:
        rows.append(("Gender", cover.gender))
    return [
        [_para(label, small), _para(_shorten(value, FIELD_LIMIT), small)] for label, value in rows
    ]


def _parent_rows(cover, small) -> list:
    if cover.parents is None:
        return [[_para("The parents' and carers' details are not shown to you.", small)]]
    rows = [
        [
            _para(h, small)
            for h in ("Name", "Relationship", "Parental responsibility", "Telephone", "Email")
        ]
    ]
    for link in cover.parents:
        adult = link.parent
        rows.append(
            [
                _para(_shorten(adult.get_full_name() or adult.username, FIELD_LIMIT), small),
                _para(f"{link.get_relationship_display()} (called {link.contact_priority})", small),
                _para("Yes" if link.parental_responsibility else "No", small),
                _para(adult.phone or "Not recorded", small),
                _para(adult.email or "Not recorded", small),
            ]
        )
    if len(rows) == 1:
        return [[_para("No parent or carer is linked to the child in this application.", small)]]
    return rows


def _household_rows(cover, small) -> list:
    members = cover.from_profile["household"]
    if not members:
        return [
            [_para("No brother, sister or other child at the school shares their adults.", small)]
        ]
    rows = [[_para(h, small) for h in ("Name", "Year group", "Shares")]]
    for member in members:
        rows.append(
            [
                _para(str(member.student), small),
                _para(f"Year {member.student.year_group}", small),
                _para(_shorten("; ".join(member.through), FIELD_LIMIT), small),
            ]
        )
    return rows


def _contact_rows(cover, small) -> list:
    contacts = cover.from_profile["contacts"]
    if not contacts:
        return [[_para("No adult or agency is recorded on the child's profile.", small)]]
    rows = [[_para(h, small) for h in ("Role", "Name", "Organisation", "Telephone", "Email")]]
    for contact in contacts:
        rows.append(
            [
                _para(contact.get_role_display(), small),
                *(
                    _para(_shorten(value or "", FIELD_LIMIT), small)
                    for value in (
                        contact.name,
                        contact.organisation,
                        contact.phone,
                        contact.email,
                    )
                ),
            ]
        )
    return rows


def _single(rows) -> bool:
    return len(rows) == 1 and len(rows[0]) == 1


def _section(title, rows, widths, styles, header=True) -> list:
    heading = _para(title, styles["Heading2"])
    if _single(rows):
        return [heading, rows[0][0]]
    return [heading, _table(rows, widths, header=header)]


def _cover(cover, by, now, notes, entries, maps, styles, small) -> list:
    student = cover.student
    story = [
        _para("Safeguarding chronology for a child protection case conference", styles["Title"]),
        _para(str(student), styles["Heading1"]),
        _para(
            f"{getattr(settings, 'SCHOOL_NAME', '')}. Generated by {person_label(by, True)} on "
            f"{profile.day(now)} at {now:%H:%M}. CONFIDENTIAL: for the conference's members "
            "only; keep it locked away and destroy it when it is no longer needed.",
            styles["Normal"],
        ),
    ]
    if notes:
        story.append(_para(" ".join(notes), styles["Normal"]))
    label_width = 45 * mm
    two = [label_width, FRAME_WIDTH - label_width]
    story += _section("The child", _child_rows(cover, small), two, styles, header=False)
    story += _section(
        "Parents and carers",
        _parent_rows(cover, small),
        [40 * mm, 32 * mm, 25 * mm, 30 * mm, FRAME_WIDTH - 127 * mm],
        styles,
    )
    story += _section(
        "Brothers, sisters and other children at the school in the same household",
        _household_rows(cover, small),
        [55 * mm, 25 * mm, FRAME_WIDTH - 80 * mm],
        styles,
    )
    story += _section(
        "Adults and agencies involved",
        _contact_rows(cover, small),
        [35 * mm, 35 * mm, 35 * mm, 30 * mm, FRAME_WIDTH - 135 * mm],
        styles,
    )
    story += _section(
        "Statuses",
        [[_para(label, small), _para(words, small)] for label, words in cover.statuses],
        two,
        styles,
        header=False,
    )
    included = cover.kinds_included
    held = [
        (
            "Kinds of entry included",
            ("All kinds: " if not cover.kinds_left_out else "") + ", ".join(included),
        ),
        ("Kinds left out", ", ".join(cover.kinds_left_out) or "None"),
        ("Dates", cover.dates),
        ("Category", cover.category_words),
        ("Entries", str(len(entries))),
        (
            "Body maps",
            (
                f"{len(maps)} concern{'' if len(maps) == 1 else 's'} with a body map, drawn "
                "after the chronology"
                if maps
                else "No concern in this export has a body map"
            ),
        ),
    ]
    story += _section(
        "What this export holds",
        [[_para(label, small), _para(words, small)] for label, words in held],
        two,
        styles,
        header=False,
    )
    story.append(PageBreak())
    return story


# --- the body map ------------------------------------------------------------------------------

# The outline the concern form draws (templates/safeguarding/includes/body_map.svg), region by
# region, in its own units (400 wide, 285 high, y downwards): the front is the child facing you,
# so their left arm is on your right.
OUTLINE_WIDTH, OUTLINE_HEIGHT = 400, 285
SHAPES = {
    "front-head": ("ellipse", 100, 30, 18, 22),
    "front-neck": ("rect", 93, 52, 14, 10),
    "front-chest": ("rect", 75, 62, 50, 40),
    "front-abdomen": ("rect", 75, 102, 50, 35),
    "front-groin": ("rect", 80, 137, 40, 18),
    "front-left-arm": ("rect", 127, 64, 14, 75),
    "front-right-arm": ("rect", 59, 64, 14, 75),
    "front-left-hand": ("ellipse", 134, 148, 8, 9),
    "front-right-hand": ("ellipse", 66, 148, 8, 9),
    "front-left-leg": ("rect", 101, 155, 20, 95),
    "front-right-leg": ("rect", 79, 155, 20, 95),
    "front-left-foot": ("ellipse", 111, 258, 12, 6),
    "front-right-foot": ("ellipse", 89, 258, 12, 6),
    "back-head": ("ellipse", 300, 30, 18, 22),
    "back-neck": ("rect", 293, 52, 14, 10),
    "back-upper-back": ("rect", 275, 62, 50, 40),
    "back-lower-back": ("rect", 275, 102, 50, 35),
    "back-buttocks": ("rect", 280, 137, 40, 18),
    "back-right-arm": ("rect", 327, 64, 14, 75),
    "back-left-arm": ("rect", 259, 64, 14, 75),
    "back-right-leg": ("rect", 301, 155, 20, 95),
    "back-left-leg": ("rect", 279, 155, 20, 95),
    "back-right-foot": ("ellipse", 311, 258, 12, 6),
    "back-left-foot": ("ellipse", 289, 258, 12, 6),
}
MAP_WIDTH = 92 * mm


def _spots(shape, count: int) -> list[tuple[float, float]]:
    """Where ``count`` marks in one region go (outline units): spread along its longer side."""
    kind, x, y, a, b = shape
    if kind == "ellipse":
        x, y, w, h = x - a, y - b, 2 * a, 2 * b
    else:
        w, h = a, b
    if h >= w:
        return [(x + w / 2, y + h * (k + 1) / (count + 1)) for k in range(count)]
    return [(x + w * (k + 1) / (count + 1), y + h / 2) for k in range(count)]


def _outline_drawing(marks) -> Drawing:
    """The outline, front and back, with each mark numbered where it was recorded."""
    scale = MAP_WIDTH / OUTLINE_WIDTH
    height = OUTLINE_HEIGHT * scale
    drawing = Drawing(MAP_WIDTH, height)

    def at(x, y):
        return x * scale, height - y * scale

    for kind, x, y, a, b in SHAPES.values():
        style = {"fillColor": colors.HexColor("#f2f4f7"), "strokeColor": colors.HexColor("#6b7785")}
        if kind == "ellipse":
            cx, cy = at(x, y)
            drawing.add(Ellipse(cx, cy, a * scale, b * scale, strokeWidth=0.6, **style))
        else:
            left, top = at(x, y)
            drawing.add(Rect(left, top - b * scale, a * scale, b * scale, strokeWidth=0.6, **style))
    for x, words in ((100, "Front (facing you)"), (300, "Back")):
        cx, cy = at(x, 281)
        drawing.add(
            String(cx, cy, words, fontName=pdf_fonts.REGULAR, fontSize=7, textAnchor="middle")
        )
    by_region: dict = {}
    for number, mark in marks:
        if mark.get("region") in SHAPES:
            by_region.setdefault(mark["region"], []).append(number)
    for region, numbers in by_region.items():
        for number, (x, y) in zip(numbers, _spots(SHAPES[region], len(numbers)), strict=True):
            cx, cy = at(x, y)
            drawing.add(Circle(cx, cy, 4.6, fillColor=MARK_COLOUR, strokeColor=colors.white))
            drawing.add(
                String(
                    cx,
                    cy - 2.2,
                    str(number),
                    fontName=pdf_fonts.BOLD,
                    fontSize=6 if number < 10 else 5,
                    fillColor=colors.white,
                    textAnchor="middle",
                )
            )
    return drawing


def _body_maps(bounded, note_limit: int, styles, small) -> list:
    """One block per concern in the export with body-map marks: the drawing and its key."""
    story = []
    for entry, _title, _detail in bounded:
        marks = entry.body_map
        if not marks:
            continue
        concern = entry.concern
        shown = list(enumerate(body_map.describe(marks[:MARK_LIMIT]), start=1))
        key = [_para("Key", styles["Heading4"])]
        for number, mark in shown:
            place = mark["label"] or "Place not recorded"
            if mark.get("region") not in SHAPES:
                place += " (not on the outline)"
            key.append(
                _labelled(
                    f"{number}.",
                    f"{_shorten(str(place), 100)}: "
                    f"{_shorten(mark.get('note') or 'No description.', note_limit)}",
                    small,
                )
            )
        if len(marks) > MARK_LIMIT:
            key.append(
                _para(
                    f"{len(marks) - MARK_LIMIT} more marks are left out of this export: read "
                    "them on the concern in the application.",
                    small,
                )
            )
        raised = timezone.localtime(concern.happened_at)
        heading = _para(
            f"Concern {concern.reference}, {profile.day(raised)} at {raised:%H:%M}: "
            f"{len(marks)} mark{'' if len(marks) == 1 else 's'}",
            styles["Heading3"],
        )
        layout = Table(
            [[_outline_drawing(shown), key]],
            colWidths=[MAP_WIDTH + 4 * mm, FRAME_WIDTH - MAP_WIDTH - 4 * mm],
            splitInRow=1,
        )
        layout.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(KeepTogether([heading, layout]))
    if story:
        story.insert(0, _para("Body maps", styles["Heading2"]))
        story.insert(
            1,
            _para(
                "Marks as the person who raised each concern recorded them, numbered on the "
                "outline and described in the key beside it.",
                styles["Normal"],
            ),
        )
    return story


# --- the document ------------------------------------------------------------------------------


def _styles():
    """ReportLab's sample styles, tightened so that the cover fits on one page."""
    styles = pdf_fonts.sample_styles()
    styles["Title"].fontSize, styles["Title"].leading = 16, 20
    styles["Title"].spaceAfter = 4
    styles["Heading1"].fontSize, styles["Heading1"].leading = 14, 17
    styles["Heading1"].spaceBefore, styles["Heading1"].spaceAfter = 0, 4
    for name in ("Heading2", "Heading3"):
        styles[name].fontSize, styles[name].leading = 11.5, 14
        styles[name].spaceBefore, styles[name].spaceAfter = 8, 3
    styles["Normal"].fontSize, styles["Normal"].leading = 9, 11.5
    styles.add(styles["BodyText"].clone("small", fontSize=8.5, leading=10.5, spaceBefore=0))
    return styles


def _entry_table(rows) -> Table:
    # splitInRow: an entry longer than a page (a long account) continues on the next page
    # instead of failing the whole export.
    table = LongTable(
        rows, colWidths=[25 * mm, 30 * mm, 92 * mm, 33 * mm], repeatRows=1, splitInRow=1
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("GRID", (0, 0), (-1, -1), 0.25, GRID),
            ]
        )
    )
    return table


def _build(
    student,
    entries,
    by,
    filters_text: str,
    limit: int | None = None,
    total: int = TOTAL_LIMIT,
    compact: bool = False,
    deadline: float | None = None,
    cover=None,
) -> bytes:
    cover = cover or chronology.cover_for(student, by)
    buffer = BytesIO()
    now = timezone.localtime()
    school = getattr(settings, "SCHOOL_NAME", "")
    header = f"{school} · Chronology of {student} · child protection"
    footer = f"Generated by {person_label(by, True)} on {profile.day(now)} at {now:%H:%M}"
    doc = _Document(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=f"Chronology – {student}",
        author=str(by),
        deadline=deadline,
        # The compact export runs to the end: its text is already small.
        max_pages=10 * MAX_PAGES if compact else MAX_PAGES,
    )
    styles = _styles()
    small = styles["small"]
    bounded, shortened, left_out = _bounded(entries, min(limit or ENTRY_LIMIT, ENTRY_LIMIT), total)
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
    maps = _body_maps(bounded, 200 if compact else FIELD_LIMIT, styles, small)
    concerns_with_maps = [e for e, _t, _d in bounded if e.body_map]
    story = _cover(cover, by, now, notes, entries, concerns_with_maps, styles, small)
    story.append(_para("Chronology, oldest first", styles["Heading2"]))
    if filters_text:
        story.append(_para(f"Chosen for this export: {filters_text}.", styles["Normal"]))
    story.append(Spacer(1, 3 * mm))
    head = [_para(h, small) for h in ("When", "Kind and reference", "What", "Who")]
    rows = []
    for entry, title, detail in bounded:
        rows.append(
            [
                _para(f"{timezone.localtime(entry.when):%d %b %Y %H:%M}", small),
                _para(
                    entry.kind_label + (f"\nRef. {entry.reference}" if entry.reference else ""),
                    small,
                ),
                [_para(title, small), *(_para(piece, small) for piece in _chunks(detail))],
                _para(entry.who, small),
            ]
        )
    if not rows:
        rows.append(["", "", _para("No entries match.", small), ""])
    # Short tables one after another, each with the heading row: ReportLab measures every
    # remaining row of a table each time it splits one across a page, so one table of a
    # thousand entries took minutes; blocks of ROWS_PER_TABLE keep the layout linear.
    story += [
        _entry_table([head, *rows[start : start + ROWS_PER_TABLE]])
        for start in range(0, len(rows), ROWS_PER_TABLE)
    ]
    story += maps
    doc.build(story, canvasmaker=_page_canvas(header, footer))
    return buffer.getvalue()
