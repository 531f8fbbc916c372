"""Redaction: phrases marked in a case file's text, and the text as the requester reads it.

A mark is a phrase and a reason (``{"phrase": "Amy Shah", "reason": "third_party"}``). Every
occurrence of the phrase is covered, whatever its capitals ("amy shah" too) and however its
words are spaced or broken over lines, because a name left in one place is a name disclosed:
it is safer to cover a little too much than too little.
Where marks overlap, the covered spans are joined, so no part of any phrase survives between
two labels. What the requester reads has each covered span replaced by its label,
"[redacted: third party]": the phrase itself never leaves this module in their copy.
"""

import re
from dataclasses import dataclass

REASONS = {
    "third_party": "third party",
    "staff": "member of staff",
    "agency": "agency",
}
REASON_CHOICES = [
    ("third_party", "Third party: another child, a relative or someone else"),
    ("staff", "A member of staff"),
    ("agency", "An agency or professional outside the school"),
]
PHRASE_MAX = 200


def label(reason: str) -> str:
    return f"[redacted: {REASONS.get(reason, REASONS['third_party'])}]"


@dataclass(frozen=True)
class Piece:
    """A run of the text: shown as it is (``reason`` empty) or covered for ``reason``."""

    text: str
    reason: str = ""

    @property
    def covered(self) -> bool:
        return bool(self.reason)

    @property
    def label(self) -> str:
        return label(self.reason)


def _spans(text: str, marks) -> list[tuple[int, int, str]]:
    """The covered spans of ``text``, joined where they touch or overlap, in order."""
    found = []
    for mark in marks:
        pattern = _pattern(mark.get("phrase") or "")
        if pattern is None:
            continue
        for match in pattern.finditer(text):
            found.append((match.start(), match.end(), mark.get("reason") or "third_party"))
    found.sort()
    joined: list[list] = []
    for start, end, reason in found:
        if joined and start <= joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], end)
        else:
            joined.append([start, end, reason])
    return [tuple(span) for span in joined]


def _pattern(phrase: str):
    """The phrase as a pattern: any capitals, and any spaces or line ends between its words
    (a name broken over two lines is still the name)."""
    words = phrase.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(word) for word in words), flags=re.IGNORECASE)


def pieces(text: str, marks) -> list[Piece]:
    """``text`` cut into what is shown and what is covered (for the DSL's marked view)."""
    text = text or ""
    result, at = [], 0
    for start, end, reason in _spans(text, marks):
        if start > at:
            result.append(Piece(text[at:start]))
        result.append(Piece(text[start:end], reason))
        at = end
    if at < len(text):
        result.append(Piece(text[at:]))
    return result


def redact(text: str, marks) -> str:
    """``text`` as the requester reads it: every marked phrase replaced by its label."""
    return "".join(p.label if p.covered else p.text for p in pieces(text, marks))


def occurs(text: str, phrase: str) -> bool:
    pattern = _pattern(phrase)
    return pattern is not None and bool(pattern.search(text or ""))
