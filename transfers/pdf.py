"""The readable copies (PDF) of a child-protection file and of a pupil record, each drawn with
ReportLab from its payload, so that the PDF says exactly what the JSON says (for the file: who
the child is, from which school to which, every chronology entry in date order, the concerns and
the attached files by name). Every piece of text goes through ``confidentiality.pdf_text``
(escaped, cut into short paragraphs)."""

from datetime import datetime
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer

from confidentiality import pdf_fonts
from confidentiality.pdf_text import cut_at_spaces, paragraph

CHUNK = 1_200
MARGIN = 15 * mm


def _when(text: str) -> str:
    try:
        return f"{datetime.fromisoformat(text):%d %b %Y %H:%M}"
    except ValueError:
        return text


def _footer(words: str):
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(pdf_fonts.REGULAR, 8)
        canvas.drawString(MARGIN, 8 * mm, f"CONFIDENTIAL: {words}. Page {canvas.getPageNumber()}")
        canvas.restoreState()

    return draw


def _build(story, title: str, footer: str) -> bytes:
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 5 * mm,
        title=title,
    )
    doc.build(story, onFirstPage=_footer(footer), onLaterPages=_footer(footer))
    return out.getvalue()


def _child_name(child: dict) -> str:
    return f"{child['preferred_name'] or child['first_name']} {child['last_name']}"


def render(payload: dict) -> bytes:
    """The PDF of ``payload`` (without its own readable copy, which it becomes)."""
    styles = pdf_fonts.sample_styles()
    body, heading = styles["Normal"], styles["Heading3"]
    child = payload["child"]
    story = [
        paragraph("Child-protection file", styles["Title"]),
        paragraph(_child_name(child), styles["Heading1"]),
        paragraph(
            f"Unique pupil number {child['upn']}; born {child['date_of_birth']}; year "
            f"{child['year_group']}.",
            body,
        ),
        paragraph(
            f"From {payload['from_school']['name']} to {payload['to_school']['name']}, prepared "
            f"by {payload['prepared_by']} on {_when(payload['created_at'])}. Transfer "
            f"{payload['transfer_id']}. Keep it separate from the main record, locked away, "
            "and read only by the designated safeguarding lead and deputies.",
            body,
        ),
        paragraph("Chronology", styles["Heading2"]),
    ]
    if not payload["chronology"]:
        story.append(paragraph("No entries.", body))
    for entry in payload["chronology"]:
        story.append(
            paragraph(f"{_when(entry['when'])}: {entry['kind_label']}: {entry['title']}", heading)
        )
        for piece in cut_at_spaces(entry["detail"], CHUNK) if entry["detail"] else []:
            story.append(paragraph(piece, body))
        story.append(paragraph(" ".join(filter(None, [entry["who"], entry["reference"]])), body))
    story.append(paragraph("Concerns", styles["Heading2"]))
    for concern in payload["concerns"] or [{"reference": "None", "categories": ""}]:
        state = ""
        if "closed" in concern:
            state = " (closed)" if concern["closed"] else " (open)"
        story.append(paragraph(f"{concern['reference']}: {concern['categories']}{state}", body))
    story.append(paragraph("Attached files (in the JSON file)", styles["Heading2"]))
    for attachment in payload["attachments"]:
        story.append(
            paragraph(
                f"{attachment['filename']} ({attachment['content_type']}, "
                f"{attachment['size']} bytes), concern {attachment['concern_reference']}",
                body,
            )
        )
    if not payload["attachments"]:
        story.append(paragraph("None.", body))
    story.append(Spacer(1, 5 * mm))
    return _build(story, "Child-protection file", "child-protection file")


def _texts(story, text: str, style) -> None:
    for piece in cut_at_spaces(text, CHUNK) if text else []:
        story.append(paragraph(piece, style))


def render_record(payload: dict) -> bytes:
    """The PDF of a pupil record's ``payload``: every section, contact, grade, progress note,
    piece of work and consent the JSON holds, in the same order."""
    styles = pdf_fonts.sample_styles()
    body, heading, h2 = styles["Normal"], styles["Heading3"], styles["Heading2"]
    child = payload["child"]
    story = [
        paragraph("Pupil record", styles["Title"]),
        paragraph(_child_name(child), styles["Heading1"]),
        paragraph(
            f"Unique pupil number {child['upn']}; born {child['date_of_birth']}; year "
            f"{child['year_group']}; gender {child['gender'] or 'not recorded'}. Left "
            f"{payload['from_school']['name']} on {payload['left_on']}.",
            body,
        ),
        paragraph(
            f"From {payload['from_school']['name']} to {payload['to_school']['name']}, prepared "
            f"by {payload['prepared_by']} on {_when(payload['created_at'])}. Transfer "
            f"{payload['transfer_id']}.",
            body,
        ),
    ]
    for section in payload["sections"]:
        story.append(paragraph(section["label"], h2))
        filled = [e for e in section["entries"] if e["value"]]
        for entry in filled:
            story.append(paragraph(entry["label"], heading))
            _texts(story, entry["value"], body)
        if section["notes"]:
            story.append(paragraph("Notes", heading))
            _texts(story, section["notes"], body)
        if not filled and not section["notes"]:
            story.append(paragraph("Nothing recorded.", body))
    story.append(paragraph("Parents and carers", h2))
    for contact in payload["contacts"]:
        responsibility = "has" if contact["parental_responsibility"] else "does not have"
        story.append(
            paragraph(
                f"{contact['contact_priority']}. {contact['first_name']} {contact['last_name']} "
                f"({contact['relationship_label']}; {responsibility} parental responsibility): "
                f"{contact['email']} {contact['phone']}",
                body,
            )
        )
    if not payload["contacts"]:
        story.append(paragraph("None recorded.", body))
    story.append(paragraph("Grades", h2))
    for grade in payload["grades"]:
        story.append(
            paragraph(
                f"{grade['assessed_on']}, {grade['subject_label']}, {grade['assessment']} "
                f"({grade['term']} term): {grade['result']}",
                body,
            )
        )
        _texts(story, grade["comment"], body)
    if not payload["grades"]:
        story.append(paragraph("None recorded.", body))
    story.append(paragraph("Progress notes", h2))
    for note in payload["progress_notes"]:
        story.append(paragraph(f"{note['written_on']}, {note['subject_label']}", heading))
        _texts(story, note["text"], body)
    if not payload["progress_notes"]:
        story.append(paragraph("None recorded.", body))
    story.append(paragraph("Work kept (the work itself stays with the school)", h2))
    for work in payload["work"]:
        story.append(
            paragraph(
                f"{work['handed_in']}, {work['subject_label']}: {work['title']} "
                f"({work['content_type']}, {work['size']} bytes)",
                body,
            )
        )
    if not payload["work"]:
        story.append(paragraph("None.", body))
    story.append(paragraph("Photograph consents (the new school asks the family again)", h2))
    for consent in payload["consents"]:
        answer = "given" if consent["given"] else "not given"
        story.append(
            paragraph(
                f"{consent['purpose_label']}: {answer} on {_when(consent['decided_at'])}", body
            )
        )
    if not payload["consents"]:
        story.append(paragraph("None decided.", body))
    story.append(Spacer(1, 5 * mm))
    return _build(story, "Pupil record", "pupil record")
