"""The case file of a subject-access request: the child's file gathered from the apps that hold
it, item by item, each sent or withheld as a whole, with redaction marks inside its text.

Gathering goes through each app's own code paths, as the person gathering may read them:

- **the record**: the sections of the child's record (``records.models.sections``,
  ``visible_sections``), each one item;
- **family and contacts**: the parents and carers the school holds (the safeguarding profile's
  ``parents_and_carers``), one item, if this person may see the child's contacts;
- **learning**: grades, progress notes and the titles of pieces of work, as far as the records
  policy lets this person see them (``records.policy.learning_visible_to``);
- **safeguarding**: every entry of the child's chronology (``safeguarding.chronology``:
  concerns, notes, actions, referrals, information shared, decisions not to refer, meetings,
  statuses, parents' requests to meet), if this person holds the chronology's permission.

The text of each item is a copy taken when gathered: the answer is about the file as it was,
and the marks the team made must still fit the text they were made on. Gathering again (the
file has changed since) keeps every decision and mark of an item whose text is unchanged; an
item whose text changed comes back to be looked at again ("changed since it was last looked
at"). Items are identified by a key naming their source (``grade:<id>``), which is encrypted
with the rest of the case file.
"""

import hashlib
import re
from dataclasses import dataclass

from django.utils import timezone

from confidentiality import access
from confidentiality.roles import SCHOOL_STAFF
from records.models.sections import visible_sections
from records.policy import learning_visible_to

from .redaction import REASONS, occurs, pieces, redact

RECORD = "record"
FAMILY = "family"
LEARNING = "learning"
SAFEGUARDING = "safeguarding"
PARTS = [
    (RECORD, "The child's record"),
    (FAMILY, "Family and contacts"),
    (LEARNING, "Learning: grades, progress and work"),
    (SAFEGUARDING, "Safeguarding"),
]
PART_LABELS = dict(PARTS)

# Exemptions under the Data Protection Act 2018 for which an item may be withheld; the team
# writes the reasons in its own words too.
EXEMPTIONS = [
    ("serious_harm", "Disclosure likely to cause serious harm to the child or someone else"),
    ("child_abuse", "Child abuse information not in the child's best interests (to a parent)"),
    ("third_party", "Information about someone else that it is not reasonable to disclose"),
    ("crime", "Would prejudice the prevention or detection of crime"),
    ("legal_privilege", "Legal professional privilege"),
    ("not_personal_data", "Not the child's personal data"),
]
EXEMPTION_LABELS = dict(EXEMPTIONS)


@dataclass
class Item:
    """One item of the case file, as stored (a dict in the encrypted ``case_file``)."""

    number: int
    key: str
    part: str
    heading: str
    text: str
    included: bool = True
    exemption: str = ""
    exemption_note: str = ""
    marks: list | None = None
    changed: bool = False
    everywhere: list | None = None  # the file-wide marks, for redacting

    @property
    def part_label(self) -> str:
        return PART_LABELS.get(self.part, self.part)

    @property
    def exemption_label(self) -> str:
        return EXEMPTION_LABELS.get(self.exemption, "")

    @property
    def all_marks(self) -> list:
        return [*(self.everywhere or []), *(self.marks or [])]

    @property
    def heading_pieces(self):
        return pieces(self.heading, self.all_marks)

    @property
    def text_pieces(self):
        return pieces(self.text, self.all_marks)

    @property
    def redacted_heading(self) -> str:
        return redact(self.heading, self.all_marks)

    @property
    def redacted_text(self) -> str:
        return redact(self.text, self.all_marks)

    @property
    def own_marks(self) -> list:
        """This item's own marks with their words (for the list on its page)."""
        return [
            {**m, "index": i, "reason_label": REASONS.get(m.get("reason"), "")}
            for i, m in enumerate(self.marks or [])
        ]

    @property
    def mark_count(self) -> int:
        return sum(1 for p in [*self.heading_pieces, *self.text_pieces] if p.covered)


def _item(key, part, heading, text) -> dict:
    return {"key": key, "part": part, "heading": heading, "text": (text or "").strip()}


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else "someone no longer at the school"


def _record_items(student, user):
    for section in visible_sections(student, user):
        lines = [f"{label}: {value}" for label, value in section.entries if value]
        if section.notes.strip():
            lines.append(f"Notes: {section.notes.strip()}")
        yield _item(
            f"section:{section.kind}",
            RECORD,
            section.label,
            "\n".join(lines) or "Nothing recorded.",
        )


def _family_items(student, user):
    from safeguarding.profile import parents_and_carers

    if not access.has_permission(user, "records.view_parentlink", student):
        return
    lines = []
    for link in parents_and_carers(student):
        responsibility = (
            "with parental responsibility"
            if link.parental_responsibility
            else "without parental responsibility"
        )
        lines.append(f"{_person(link.parent)}, {link.get_relationship_display()}, {responsibility}")
    yield _item("contacts", FAMILY, "Parents and carers", "\n".join(lines) or "None recorded.")


def _learning_items(student, user):
    seen = learning_visible_to(user, student)
    if "grades" in seen:
        for grade in student.grades.all():
            yield _item(
                f"grade:{grade.pk}",
                LEARNING,
                f"{grade.get_subject_display()}: {grade.assessment} "
                f"({grade.get_term_display()}, {grade.assessed_on:%-d %B %Y})",
                "\n".join(
                    part
                    for part in (
                        f"Result: {grade.result}",
                        f"Comment: {grade.comment}" if grade.comment else "",
                    )
                    if part
                ),
            )
    if "progress_notes" in seen:
        for note in student.progress_notes.select_related("author"):
            yield _item(
                f"progress:{note.pk}",
                LEARNING,
                f"Progress in {note.get_subject_display()}, {note.written_on:%-d %B %Y}",
                f"{note.text}\nWritten by {_person(note.author)}",
            )
    if "work" in seen:
        for work in student.work_items.without_content():
            uploaded = timezone.localtime(work.created_at)
            yield _item(
                f"work:{work.pk}",
                LEARNING,
                f"Work: {work.title}",
                f"{work.get_subject_display()}, uploaded {uploaded:%-d %B %Y}. A copy of the "
                "work itself is sent with this file.",
            )


def _chronology_items(student, user):
    from safeguarding import chronology
    from safeguarding.policy import CHRONOLOGY

    if not access.has_permission(user, CHRONOLOGY, student):
        return
    for entry in chronology.entries_for(student):
        when = timezone.localtime(entry.when)
        # The entry has no id of its own: its kind, time, reference and source name it.
        source = f"{entry.kind}|{when.isoformat()}|{entry.reference}|{entry.source}|{entry.title}"
        key = "chronology:" + hashlib.sha256(source.encode()).hexdigest()[:24]
        text = "\n".join(part for part in (entry.detail, entry.who) if part)
        yield _item(
            key,
            SAFEGUARDING,
            f"{when:%-d %B %Y}: {entry.title}",
            text,
        )


def gather(student, user) -> list[dict]:
    """Every item of ``student``'s file this person may read, part by part."""
    return [
        *_record_items(student, user),
        *_family_items(student, user),
        *_learning_items(student, user),
        *_chronology_items(student, user),
    ]


def merge(previous: list[dict], gathered: list[dict]) -> list[dict]:
    """The gathered items with the decisions and marks of the previous gathering kept for each
    item whose text is unchanged; a changed item keeps its decision, drops its own marks (they
    were made on other words) and is flagged to be looked at again."""
    before = {item["key"]: item for item in previous}
    merged = []
    for item in gathered:
        old = before.get(item["key"])
        kept = {"included": True, "exemption": "", "exemption_note": "", "marks": []}
        if old is not None:
            same = old.get("heading") == item["heading"] and old.get("text") == item["text"]
            kept = {
                "included": old.get("included", True),
                "exemption": old.get("exemption", ""),
                "exemption_note": old.get("exemption_note", ""),
                "marks": old.get("marks", []) if same else [],
                "changed": not same,
            }
        merged.append({**item, **kept})
    return merged


def items_of(request_obj) -> list[Item]:
    """The case file's items, numbered from 1 (their address on the item page)."""
    data = request_obj.case_file or {}
    everywhere = data.get("everywhere", [])
    return [
        Item(
            number=n,
            key=raw["key"],
            part=raw["part"],
            heading=raw.get("heading", ""),
            text=raw.get("text", ""),
            included=raw.get("included", True),
            exemption=raw.get("exemption", ""),
            exemption_note=raw.get("exemption_note", ""),
            marks=raw.get("marks", []),
            changed=raw.get("changed", False),
            everywhere=everywhere,
        )
        for n, raw in enumerate(data.get("items", []), start=1)
    ]


def by_part(items) -> list[tuple[str, list[Item]]]:
    """The items in the file's parts, in order, leaving out parts with none."""
    return [
        (label, [i for i in items if i.part == part])
        for part, label in PARTS
        if any(i.part == part for i in items)
    ]


def everywhere_marks(request_obj) -> list[dict]:
    return [
        {**m, "index": i, "reason_label": REASONS.get(m.get("reason"), "")}
        for i, m in enumerate((request_obj.case_file or {}).get("everywhere", []))
    ]


def suggestions(request_obj, student) -> list[dict]:
    """Names the school knows that appear in the file and are not yet covered: other children
    (third parties) and staff, each offered to be redacted everywhere with one button. The
    child's own name is never offered."""
    from django.contrib.auth import get_user_model

    from records.models import Student

    items = items_of(request_obj)
    marked = [m.get("phrase", "") for m in (request_obj.case_file or {}).get("everywhere", [])]
    # What is still readable after the file-wide marks: a name already covered is not offered.
    texts = "\n".join(
        redact(f"{i.heading}\n{i.text}", i.everywhere or []) for i in items if i.included
    )
    own = {str(student).casefold(), f"{student.first_name} {student.last_name}".casefold()}
    offered, seen = [], set()

    def offer(name, reason, who):
        name = name.strip()
        folded = name.casefold()
        if len(name) < 3 or folded in seen or folded in own or not _as_words(texts, name):
            return
        if any(occurs(name, phrase) for phrase in marked):
            return
        seen.add(folded)
        offered.append({"phrase": name, "reason": reason, "who": who})

    others = Student.objects.exclude(pk=student.pk).only(
        "first_name", "last_name", "preferred_name"
    )
    own |= {student.first_name.casefold(), (student.preferred_name or "").casefold()}
    for child in others:
        for first in {child.first_name, child.preferred_name} - {""}:
            offer(f"{first} {child.last_name}", "third_party", "another child")
        for first in {child.first_name, child.preferred_name} - {""}:
            # A first name alone ("Amy pushed him") once the full names are offered.
            offer(first, "third_party", "another child")
    staff = get_user_model().objects.with_roles(*SCHOOL_STAFF)
    for person in staff.only("first_name", "last_name", "username"):
        offer(person.get_full_name(), "staff", "a member of staff")
    return offered


def _as_words(text: str, phrase: str) -> bool:
    """``phrase`` occurs in ``text`` as whole words ("Amy", not the start of "Amyas")."""
    return bool(re.search(rf"\b{re.escape(phrase)}\b", text, flags=re.IGNORECASE))
