"""Redaction marks: every occurrence, whatever its capitals or line breaks, joined where they
overlap; the requester's copy holds the label, never the words."""

from subject_access.redaction import pieces, redact

MARKS = [
    {"phrase": "Oliver Stone", "reason": "third_party"},
    {"phrase": "Stone", "reason": "third_party"},
    {"phrase": "Ms Patel", "reason": "staff"},
]


def test_each_occurrence_is_covered_whatever_its_capitals_and_spacing():
    text = "oliver STONE pushed her.\nMs\nPatel saw Oliver  Stone."
    out = redact(text, MARKS)
    assert "oliver" not in out.lower() and "stone" not in out.lower() and "patel" not in out.lower()
    assert out.count("[redacted: third party]") == 2
    assert "[redacted: member of staff]" in out


def test_overlapping_marks_are_joined_into_one_covered_span():
    covered = [p for p in pieces("Oliver Stone's coat", MARKS) if p.covered]
    assert [p.text for p in covered] == ["Oliver Stone"]


def test_text_without_marks_is_unchanged():
    assert redact("Maya read well.", MARKS) == "Maya read well."
    assert redact("Maya read well.", []) == "Maya read well."
