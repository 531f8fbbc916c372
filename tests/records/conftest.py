"""Families for the records tests: two parents with a child each in 3 Oak (taught by
``teacher``), and the learning the school keeps about each child."""

import struct
import zlib
from datetime import date

import pytest
from auditlog.models import LogEntry

from records.models import Grade, ParentLink, ProgressNote, WorkItem


def tiny_png() -> bytes:
    """A valid 1×1 PNG, made in code."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xcc\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def has_signed(user):
    """The user signs the current confidentiality agreement (as volunteers, governors and health
    professionals must before any access), so a test reaches the page behind the gate."""
    from confidentiality.models import ConfidentialityAgreement

    current = ConfidentialityAgreement.objects.current()
    if current is None:  # a transactional test's flush removes the one the migration published
        current = ConfidentialityAgreement.publish("I keep what I learn about pupils confidential.")
    current.accept(user)
    return user


def access_entries(obj=None, how=None):
    entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
    if obj is not None:
        entries = entries.filter(object_pk=str(obj.pk))
    if how is not None:
        entries = entries.filter(additional_data__how=how)
    return entries


@pytest.fixture
def child(student_factory, oak, parent):
    """``parent``'s child, in 3 Oak; the parent has parental responsibility."""
    student = student_factory(group=oak, first_name="Ravi", last_name="Patel")
    ParentLink.objects.create(
        parent=parent, student=student, relationship=ParentLink.Relationship.MOTHER
    )
    return student


@pytest.fixture
def other_child(student_factory, oak, other_parent):
    """``other_parent``'s child, in the same class as ``child``."""
    student = student_factory(group=oak, first_name="Ella", last_name="Walsh")
    ParentLink.objects.create(
        parent=other_parent, student=student, relationship=ParentLink.Relationship.FATHER
    )
    return student


def add_learning(student, by, title="Volcano diagram"):
    grade = Grade(
        student=student,
        subject="maths",
        assessment="Spring arithmetic test",
        result=f"27/30 for {student.first_name}",
        term="spring",
        assessed_on=date(2027, 3, 10),
        recorded_by=by,
    )
    grade.save()
    note = ProgressNote(
        student=student, subject="english", text=f"{student.first_name} reads fluently.", author=by
    )
    note.save()
    work = WorkItem.from_upload(
        student=student, title=title, subject="science", data=tiny_png(), name="page.png", by=by
    )
    work.save()
    return grade, note, work


@pytest.fixture
def learning(child, teacher):
    """(grade, note, work) for ``child``."""
    return add_learning(child, teacher)


@pytest.fixture
def other_learning(other_child, teacher):
    """(grade, note, work) for ``other_child``."""
    return add_learning(other_child, teacher, title="Other child's poem")
