"""Text typed by people, made safe for a ReportLab PDF: one way for every PDF the school makes.

ReportLab's paragraphs read a small markup, so text is escaped before it reaches one (what a child
said, or a governor typed, can never be read as formatting); control characters other than line
ends only confuse the layout and are dropped; and a long block is cut into short pieces, because
ReportLab lays out one huge paragraph in quadratic time.
"""

import re
from xml.sax.saxutils import escape

from reportlab.platypus import Paragraph

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text) -> str:
    """``text`` with line ends made ``\\n`` and other control characters removed."""
    return _CONTROL.sub("", str(text or "").replace("\r\n", "\n").replace("\r", "\n"))


def paragraph(text, style) -> Paragraph:
    """A paragraph showing ``text`` exactly as typed, line ends kept."""
    return Paragraph(escape(clean(text)).replace("\n", "<br/>"), style)


def cut_at_spaces(block: str, size: int) -> list[str]:
    """``block`` in pieces of at most ``size`` characters, cut at a space where one is near."""
    pieces = []
    while len(block) > size:
        cut = block.rfind(" ", size // 2, size)
        cut = cut if cut > 0 else size
        pieces.append(block[:cut])
        block = block[cut:].lstrip(" ")
    pieces.append(block)
    return pieces
