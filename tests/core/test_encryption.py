"""Encrypted fields: no plaintext in the database or the audit log; bound to row and field;
clear errors; key rotation that round-trips with data written before and during it."""

import base64
import os

import pytest
from auditlog.models import LogEntry
from django.db import connection

from confidentiality.crypto import DecryptionError, is_unreadable
from confidentiality.crypto.fields import PlaintextRefused
from confidentiality.crypto.rotation import rotate_all
from records.models import RecordSection, Student

SECRET = "Peanuts (anaphylaxis)"


def _key(key_id):
    return f"{key_id}:{base64.urlsafe_b64encode(os.urandom(32)).decode()}"


def _open_strictly(obj, name):
    """What the attribute does underneath: open the stored value, raising when it cannot."""
    field = obj._meta.get_field(name)
    sealed = type(obj)._base_manager.values_list(name, flat=True).get(pk=obj.pk)
    return field.open(sealed, obj)


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_raw_sql_of_every_encrypted_column_shows_no_plaintext(pupil):
    rows = _raw("SELECT details, notes FROM records_recordsection")
    students = _raw("SELECT date_of_birth, nhs_number FROM records_student")
    dump = repr(rows) + repr(students)
    assert "Peanuts" not in dump and "Child protection" not in dump
    assert "943 476" not in dump and "2018-" not in dump
    assert all(value.startswith("k1$") or value.count("$") == 1 for value, _ in rows if value)


def test_the_audit_change_column_masks_the_whole_value(pupil):
    entries = LogEntry.objects.filter(
        content_type__model="recordsection", action=LogEntry.Action.CREATE
    )
    assert entries.exists()
    for entry in entries:
        assert entry.changes["details"][1] == "[encrypted]"
        assert "Peanuts" not in str(entry.changes) and "Peanuts" not in entry.object_repr


def test_values_read_back_as_written(pupil):
    section = RecordSection.objects.get(student=pupil, kind="medical")
    assert section.details["allergies"] == SECRET
    student = Student.objects.get(pk=pupil.pk)
    assert student.date_of_birth.year == 2018
    assert student.nhs_number.startswith("943 476")


def test_a_ciphertext_moved_to_another_row_fails_to_open(pupil, student_factory):
    other = student_factory(first_name="Other")
    (token,) = _raw("SELECT nhs_number FROM records_student WHERE upn = %s", [pupil.upn])[0]
    Student.objects.filter(pk=other.pk).update(
        nhs_number=Student(pk=pupil.pk)
        .__class__._meta.get_field("nhs_number")
        .from_db_value(token, None, None)
    )
    moved = Student.objects.get(pk=other.pk)
    with pytest.raises(DecryptionError, match=r"records.Student.nhs_number \(row"):
        _open_strictly(moved, "nhs_number")
    # On a page it is one field's message, never a 500 (and never the other row's value).
    assert is_unreadable(moved.nhs_number) and "does not match its key" in moved.nhs_number


def test_a_ciphertext_moved_to_another_column_fails_to_open(pupil):
    (token,) = _raw("SELECT nhs_number FROM records_student WHERE upn = %s", [pupil.upn])[0]
    field = Student._meta.get_field("date_of_birth")
    Student.objects.filter(pk=pupil.pk).update(date_of_birth=field.from_db_value(token, None, None))
    with pytest.raises(DecryptionError, match="date_of_birth"):
        _open_strictly(Student.objects.get(pk=pupil.pk), "date_of_birth")
    assert is_unreadable(Student.objects.get(pk=pupil.pk).date_of_birth)


def test_a_missing_key_is_a_clear_error_naming_the_field(pupil, settings):
    settings.FIELD_ENCRYPTION_KEYS = _key("other")
    with pytest.raises(
        DecryptionError, match=r"nhs_number.*key 'k1'.*not in FIELD_ENCRYPTION_KEYS"
    ):
        _open_strictly(Student.objects.get(pk=pupil.pk), "nhs_number")
    assert Student.objects.get(pk=pupil.pk).nhs_number == (
        "This information cannot be opened on this server: the key ‘k1’ is missing. "
        "Tell the IT administrator."
    )


def test_plaintext_cannot_be_written_or_searched_without_its_row(pupil):
    with pytest.raises(PlaintextRefused):
        Student.objects.filter(pk=pupil.pk).update(nhs_number="123")
    with pytest.raises(PlaintextRefused):
        list(Student.objects.filter(nhs_number="943 476 5901"))


def test_a_blind_index_finds_a_student_by_nhs_number(pupil):
    assert list(Student.find_by_nhs_number(pupil.nhs_number.replace(" ", ""))) == [pupil]
    (digest,) = _raw("SELECT nhs_number_index FROM records_student WHERE upn = %s", [pupil.upn])[0]
    assert len(digest) == 64 and "9434765901" not in digest


def test_key_rotation_round_trips_before_and_during(pupil, student_factory, settings):
    old = settings.FIELD_ENCRYPTION_KEYS
    before = student_factory(first_name="Before")
    settings.FIELD_ENCRYPTION_KEYS = f"{_key('k2')},{old}"
    during = student_factory(first_name="During")  # written with the new key mid-rotation
    totals = rotate_all(batch_size=2)
    assert totals["rotated"] >= 6 and totals["retry"] == 0
    again = rotate_all(batch_size=2)
    assert again["rotated"] == 0 and again["current"] == again["scanned"]
    # The old key can now be removed and everything still reads.
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS.split(",")[0]
    for student in (pupil, before, during):
        fresh = Student.objects.get(pk=student.pk)
        assert fresh.nhs_number == student.nhs_number
        assert fresh.date_of_birth == student.date_of_birth
    section = RecordSection.objects.get(student=pupil, kind="medical")
    assert section.details["allergies"] == SECRET


def test_rotation_never_overwrites_a_value_saved_meanwhile(pupil, settings, monkeypatch):
    from confidentiality.crypto.keyring import KeyRing

    settings.FIELD_ENCRYPTION_KEYS = f"{_key('k2')},{settings.FIELD_ENCRYPTION_KEYS}"
    real_open = KeyRing.open
    raced = []

    def open_while_someone_saves(ring, sealed, context, where):
        plaintext = real_open(ring, sealed, context, where)
        if not raced:  # a user saves the record between the rotation's read and its write
            raced.append(True)
            fresh = Student.objects.get(pk=pupil.pk)
            fresh.nhs_number = "999 999 9999"
            fresh.save()
        return plaintext

    monkeypatch.setattr(KeyRing, "open", open_while_someone_saves)
    totals = rotate_all()
    monkeypatch.setattr(KeyRing, "open", real_open)
    assert totals["retry"] == 2  # both encrypted fields of that row were re-sealed by the save
    assert Student.objects.get(pk=pupil.pk).nhs_number == "999 999 9999"


def test_10000_values_encrypt_and_decrypt_quickly(settings):
    import time

    from confidentiality.crypto.keyring import keyring

    ring = keyring()
    start = time.perf_counter()
    sealed = [ring.seal(f"value {i}", f"ctx#{i}") for i in range(10_000)]
    opened = [ring.open(s, f"ctx#{i}", "bench") for i, s in enumerate(sealed)]
    elapsed = time.perf_counter() - start
    assert opened[9999] == "value 9999"
    assert elapsed < 2.0, f"10,000 seal+open took {elapsed:.2f}s"


def test_the_upload_check_recognises_files_by_content_not_name():
    from django.core.exceptions import ValidationError

    from confidentiality.uploads import check_upload

    allowed = ("application/pdf", "image/png")
    assert check_upload(b"%PDF-1.7 ...", allowed=allowed, max_bytes=100) == "application/pdf"
    with pytest.raises(ValidationError, match="is not a PDF or PNG"):
        check_upload(b"<html><script>", allowed=allowed, max_bytes=100)
    with pytest.raises(ValidationError, match="is not a PDF or PNG"):
        check_upload(b"\xff\xd8\xff a jpeg", allowed=allowed, max_bytes=100)  # real, not allowed
    with pytest.raises(ValidationError, match="the largest allowed is"):
        check_upload(b"%PDF-" + b"0" * 2_000_000, allowed=allowed, max_bytes=1024 * 1024)
    with pytest.raises(ValidationError, match="is empty"):
        check_upload(b"", allowed=allowed, max_bytes=100)
