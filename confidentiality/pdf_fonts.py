"""The typeface of every PDF the school prints: DejaVu Sans (``confidentiality/fonts``, free to
share with the software, its licence beside it).

ReportLab's built-in Helvetica has the letters of Western European languages only: a case
conference chronology printed "■ukasz Wi■niewski" for Łukasz Wiśniewski, and so for Şule, Nguyễn
or Дмитрий. DejaVu Sans has the letters of every name a school writes. Its glyphs are embedded
as a subset (only those used), with their text, so a PDF reader can still search and copy it."""

import functools
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FOLDER = Path(__file__).resolve().parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
BOLD_ITALIC = "DejaVuSans-BoldOblique"

# ReportLab's sample styles name its built-in fonts; each becomes ours.
_INSTEAD_OF = {
    "Helvetica": REGULAR,
    "Helvetica-Bold": BOLD,
    "Helvetica-Oblique": ITALIC,
    "Helvetica-BoldOblique": BOLD_ITALIC,
}


@functools.cache
def register() -> None:
    """Register the four faces once per process, as one family (so <b> and <i> in a paragraph
    find theirs)."""
    for name in (REGULAR, BOLD, ITALIC, BOLD_ITALIC):
        pdfmetrics.registerFont(TTFont(name, FOLDER / f"{name}.ttf"))
    for bold, italic, face in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, ITALIC), (1, 1, BOLD_ITALIC)):
        addMapping(REGULAR, bold, italic, face)


def sample_styles():
    """ReportLab's sample style sheet, in our typeface."""
    register()
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        for attribute in ("fontName", "bulletFontName"):  # (a list's style has neither)
            name = getattr(style, attribute, None)
            if name in _INSTEAD_OF:
                setattr(style, attribute, _INSTEAD_OF[name])
    return styles
